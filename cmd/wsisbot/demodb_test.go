package main

import (
	"bufio"
	"context"
	"database/sql"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/pgserver"
	"github.com/wsis/wsisbot/store/storetest"
)

// mainArgsVar makes the test binary act as wsisbot: TestActAsWsisbot runs run() with the
// arguments it holds (separated by spaces) and exits with its result.
const mainArgsVar = "WSISBOT_TEST_MAIN_ARGS"

// TestActAsWsisbot is wsisbot itself when the test binary is started again with
// mainArgsVar set (see bareMachine); otherwise it does nothing.
func TestActAsWsisbot(t *testing.T) {
	args := os.Getenv(mainArgsVar)
	if args == "" {
		return
	}
	if err := run(strings.Fields(args), os.Stdout, os.Stderr, os.Getenv); err != nil {
		os.Stdout.WriteString("wsisbot: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// bareMachine returns the command that runs wsisbot with args in a network namespace of
// its own, where nothing listens on 127.0.0.1:5432, with DATABASE_URL unset. It fails
// under CI and skips elsewhere when namespaces or PostgreSQL's programs are not at hand.
func bareMachine(t *testing.T, args string) *exec.Cmd {
	t.Helper()
	unavailable := func(format string, a ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf(format+" (CI is set: this test must run)", a...)
		}
		t.Skipf(format+"; skipping (with CI set this fails)", a...)
	}
	if _, err := pgserver.BinDir(); err != nil {
		unavailable("%v", err)
	}
	ns := []string{"--net"}
	if os.Geteuid() != 0 {
		// Keep our own user (PostgreSQL refuses root) with the capability to bring lo up.
		ns = []string{"--user", "--map-current-user", "--keep-caps", "--net"}
	}
	const up = `ip link set lo up && exec "$0" "$@"`
	if out, err := exec.Command("unshare", append(ns, "--", "sh", "-c", up, "true")...).CombinedOutput(); err != nil {
		unavailable("no network namespace with loopback (unshare %s; ip link set lo up): %v %s", strings.Join(ns, " "), err, out)
	}
	cmd := exec.Command("unshare", append(ns, "--", "sh", "-c", up, os.Args[0], "-test.run=^TestActAsWsisbot$")...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "WSISBOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, mainArgsVar+"="+args)
	return cmd
}

var privateDir = regexp.MustCompile(`data in (\S+)`)

// TestDemoOnBareMachine runs `wsisbot demo --once` where PostgreSQL is installed but no
// server runs and DATABASE_URL is not set: the demo starts a private server, handles
// the seeded mail, then stops the server and removes its folder.
func TestDemoOnBareMachine(t *testing.T) {
	cmd := bareMachine(t, "demo --once --imap 127.0.0.1:0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo --once: %v\n%s", err, out)
	}
	for _, want := range []string{"DATABASE_URL is not set", "starting a private PostgreSQL", "Robots got no acknowledgement", "private PostgreSQL stopped"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the transcript does not say %q:\n%s", want, out)
		}
	}
	m := privateDir.FindSubmatch(out)
	if m == nil {
		t.Fatalf("the transcript does not name the private server's folder:\n%s", out)
	}
	if _, err := os.Stat(string(m[1])); !os.IsNotExist(err) {
		t.Errorf("%s is still there after the demo: %v", m[1], err)
	}
}

// TestDemoInterruptedRemovesPrivateServer stops a serving demo with Ctrl-C (SIGINT) and
// checks that it exits cleanly and leaves no private server behind.
func TestDemoInterruptedRemovesPrivateServer(t *testing.T) {
	cmd := bareMachine(t, "demo --imap 127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var transcript strings.Builder
	dir := ""
	deadline := time.After(90 * time.Second)
	for serving := false; !serving; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the demo ended before serving: %v\n%s\n%s", cmd.Wait(), transcript.String(), stderr.String())
			}
			transcript.WriteString(l + "\n")
			if m := privateDir.FindStringSubmatch(l); m != nil {
				dir = m[1]
			}
			serving = strings.HasPrefix(l, "Still serving")
		case <-deadline:
			t.Fatalf("the demo did not start serving within 90 s:\n%s", transcript.String())
		}
	}
	if dir == "" {
		t.Fatalf("the transcript does not name the private server's folder:\n%s", transcript.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		transcript.WriteString(l + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v\n%s\n%s", err, transcript.String(), stderr.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there after Ctrl-C: %v\n%s", dir, err, transcript.String())
	}
}

// TestDemoDatabaseDropsOnlyItsOwn: the demo refuses a database of that name it did not
// create, which survives with its data; it creates, marks, drops and creates again its
// own; it refuses names that are not plain identifiers.
func TestDemoDatabaseDropsOnlyItsOwn(t *testing.T) {
	ctx := context.Background()
	server := storetest.ServerURL()
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the databases' cleanups below
	dbURL := func(name string) string {
		u, err := url.Parse(server)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		return u.String()
	}
	execOn := func(url, q string) {
		t.Helper()
		db, err := sql.Open("postgres", url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tables := func(url string) int {
		t.Helper()
		db, err := sql.Open("postgres", url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pg_tables WHERE tablename = 'precious'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cleanup := func(name string) {
		t.Cleanup(func() { _, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	}

	// Somebody else's database: refused, and it keeps its data.
	foreign := randomName("wsisbot_not_demo_")
	cleanup(foreign)
	execOn(server, `CREATE DATABASE `+foreign)
	execOn(dbURL(foreign), `CREATE TABLE precious (x int)`)
	_, err = demoDatabase(ctx, server, foreign)
	want := "database " + foreign + " exists and was not created by wsisbot demo; refusing to drop it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if tables(dbURL(foreign)) != 1 {
		t.Fatalf("%s lost its table", foreign)
	}
	// A comment that is not the demo's mark does not make it the demo's.
	execOn(server, `COMMENT ON DATABASE `+foreign+` IS 'production; not the wsisbot demo database'`)
	if _, err := demoDatabase(ctx, server, foreign); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}

	// The demo's own: created and marked, then dropped and created again.
	own := randomName("wsisbot_demo_own_")
	cleanup(own)
	got, err := demoDatabase(ctx, server, own)
	if err != nil {
		t.Fatal(err)
	}
	execOn(got, `CREATE TABLE precious (x int)`)
	var comment string
	if err := admin.QueryRow(`SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, own).Scan(&comment); err != nil ||
		!strings.HasPrefix(comment, demoMark) {
		t.Fatalf("the demo's database is not marked: %q, %v", comment, err)
	}
	if _, err := demoDatabase(ctx, server, own); err != nil {
		t.Fatalf("the demo's own database again: %v", err)
	}
	if tables(got) != 0 {
		t.Fatalf("%s was not created afresh", own)
	}

	// Names that are not plain identifiers, PostgreSQL's own, DATABASE_URL's database.
	for _, name := range []string{"", "1demo", "Demo", "demo-x", "demo x", "demo;drop", strings.Repeat("d", 64), "postgres", "template1"} {
		if _, err := demoDatabase(ctx, server, name); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	if _, err := demoDatabase(ctx, dbURL(foreign), foreign); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("DATABASE_URL's own database: err = %v", err)
	}
}
