package parse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, leaves its input alone, fails
// only with errMalformed or ErrTooLarge, and returns only valid UTF-8
// without NUL.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte{})
	f.Add([]byte("From: a@b\r\n\r\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		orig := bytes.Clone(raw)
		lim := Limits{MaxMessageBytes: 1 << 20, MaxAttachments: 50, MaxHeaderBytes: 64 << 10}
		p, err := Parse(raw, lim)
		if !bytes.Equal(raw, orig) {
			t.Fatal("Parse modified its input")
		}
		if err != nil {
			if !errors.Is(err, errMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error wraps neither errMalformed nor ErrTooLarge: %v", err)
			}
			if p != nil {
				t.Fatal("non-nil result with an error")
			}
			return
		}
		checkValidStrings(t, p)
		if p.Size != len(raw) {
			t.Fatalf("Size = %d, want %d", p.Size, len(raw))
		}
		// The helpers run on whatever Parse returns.
		Sort(p, []string{"wsis-info@itu.int"})
		Suggest(p)
		RefTag(p.Subject)
		IsNoReplyAddress(p.From.Email)
	})
}

// checkValidStrings fails t if any string reachable from v is invalid UTF-8
// or holds a NUL byte.
func checkValidStrings(t testing.TB, v any) {
	t.Helper()
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			s := v.String()
			if !utf8.ValidString(s) {
				t.Errorf("%s: invalid UTF-8: %q", path, s)
			}
			if strings.IndexByte(s, 0) >= 0 {
				t.Errorf("%s: NUL byte: %q", path, s)
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return // attachment data: bytes, not text
			}
			for i := 0; i < v.Len(); i++ {
				walk(path+"[]", v.Index(i))
			}
		case reflect.Map:
			iter := v.MapRange()
			for iter.Next() {
				walk(path+"{key}", iter.Key())
				walk(path+"{"+iter.Key().String()+"}", iter.Value())
			}
		}
	}
	walk("Parsed", reflect.ValueOf(v))
}
