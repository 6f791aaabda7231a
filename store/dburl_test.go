package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestConnectionStringNeverEchoed: a connection string that cannot be read is refused
// by CheckURL, Migrate and Open without repeating any of it, and RedactURL hides the
// password of one that can.
func TestConnectionStringNeverEchoed(t *testing.T) {
	const pw = "Hunter2Secret"
	bad := []string{
		"postgres://wsis:" + pw + "%ZZ@db.example.org/wsisbot",
		"postgres://wsis:" + pw + " x@db.example.org/wsisbot",
		"postgres://wsis:" + pw + "@[::1/wsisbot",
		"postgres://wsis:" + pw + "@db.example.org:port/wsisbot",
		"postgresql://wsis:" + pw + "@db.exa mple.org/wsisbot",
		"host=db password=" + pw + " " + pw + "bogus",
		"host=db password='" + pw,
		pw,
	}
	for _, s := range bad {
		errs := []error{store.CheckURL(s)}
		_, err := store.Migrate(context.Background(), s)
		errs = append(errs, err)
		_, err = store.Open(context.Background(), s, nil, nil)
		errs = append(errs, err)
		for _, err := range errs {
			if err == nil {
				t.Errorf("%q: accepted", s)
				continue
			}
			if strings.Contains(err.Error(), pw[:6]) || strings.Contains(err.Error(), "%ZZ") {
				t.Errorf("the error repeats the connection string: %v", err)
			}
		}
		if r := store.RedactURL(s); strings.Contains(r, pw[:6]) {
			t.Errorf("RedactURL(%q) = %q", s, r)
		}
	}
	for s, want := range map[string]string{
		"postgres://wsis:" + pw + "@db.example.org:5432/wsisbot?sslmode=require":         "postgres://wsis:xxxxx@db.example.org:5432/wsisbot?sslmode=require",
		"postgres://wsis@db.example.org/wsisbot?password=" + pw + "&sslmode=verify-full": "postgres://wsis@db.example.org/wsisbot?password=xxxxx&sslmode=verify-full",
		"host=db user=wsis password=" + pw + " dbname=wsisbot":                           "host=db user=wsis password=xxxxx dbname=wsisbot",
		"host=db user=wsis password='" + pw + " x' dbname=wsisbot":                       "host=db user=wsis password=xxxxx dbname=wsisbot",
	} {
		if err := store.CheckURL(s); err != nil {
			t.Errorf("CheckURL refuses a good string: %v", err)
		}
		if got := store.RedactURL(s); got != want {
			t.Errorf("RedactURL = %q, want %q", got, want)
		}
	}
}
