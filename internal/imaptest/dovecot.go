package imaptest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Dovecot is a private Dovecot: its own configuration, runtime and state directories,
// log and mail under a temporary directory, listening on a random loopback port. It runs
// beside any system Dovecot and needs root (mail is accessed as the dovecot user).
type Dovecot struct {
	dir   string
	conf  string
	port  int
	bin   string
	admin string
	cmd   *exec.Cmd
	exit  chan error
	uid   int
	gid   int
}

const (
	dovecotUser     = "wsis@test.local"
	dovecotPassword = "consultation-2019"
)

var maildirSeq atomic.Int64

// DovecotBinary is where Dovecot is looked for first.
const DovecotBinary = "/usr/sbin/dovecot"

// unavailable fails the test under CI and skips it elsewhere.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("imaptest: %s (CI is set: Dovecot tests must run; install dovecot-imapd and run as root)", msg)
	}
	t.Skipf("imaptest: %s; skipping the Dovecot test (install dovecot-imapd and run as root; with CI set this fails)", msg)
}

// DovecotOptions adjust a private Dovecot.
type DovecotOptions struct {
	// Capability replaces the capabilities advertised after login (imap_capability),
	// e.g. to hide IDLE.
	Capability string
}

// StartDovecot starts a private Dovecot with an empty INBOX for user User(). It is
// stopped with doveadm when the test ends.
func StartDovecot(t testing.TB) *Dovecot {
	t.Helper()
	return StartDovecotWith(t, DovecotOptions{})
}

// StartDovecotWith is StartDovecot with options.
func StartDovecotWith(t testing.TB, o DovecotOptions) *Dovecot {
	t.Helper()
	bin := DovecotBinary
	if _, err := os.Stat(bin); err != nil {
		p, lerr := exec.LookPath("dovecot")
		if lerr != nil {
			unavailable(t, "dovecot is not installed (%s: %v)", DovecotBinary, err)
		}
		bin = p
	}
	admin, err := exec.LookPath("doveadm")
	if err != nil {
		admin = "/usr/bin/doveadm"
		if _, err := os.Stat(admin); err != nil {
			unavailable(t, "doveadm is not installed")
		}
	}
	if os.Geteuid() != 0 {
		unavailable(t, "a private Dovecot needs root (it reads mail as the dovecot user)")
	}
	u, err := user.Lookup("dovecot")
	if err != nil {
		unavailable(t, "no dovecot system user: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if _, err := user.Lookup("dovenull"); err != nil {
		unavailable(t, "no dovenull system user: %v", err)
	}

	// Not t.TempDir: its parents are 0700 and Dovecot's unprivileged processes must
	// reach the passwd file and the mail.
	dir, err := os.MkdirTemp("", "wsisbot-dovecot-")
	if err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	d := &Dovecot{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), port: FreePort(t), bin: bin, admin: admin, uid: uid, gid: gid}
	mail := filepath.Join(dir, "mail")
	if err := os.Mkdir(mail, 0o755); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	if err := os.Chown(mail, uid, gid); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, []byte(dovecotUser+":{PLAIN}"+dovecotPassword+"::::::\n"), 0o644); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	conf := fmt.Sprintf(`# A private Dovecot for wsisbot's tests.
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
info_log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
protocol imap {
  mail_max_userip_connections = 500
}
`, dir, d.port)
	if o.Capability != "" {
		conf += "imap_capability = " + o.Capability + "\n"
	}
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	d.start(t)
	t.Cleanup(func() { d.stop(t) })
	// Create the INBOX (and the Maildir) by logging in once.
	c := Dial(t, d)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("imaptest: select INBOX on dovecot: %v", err)
	}
	c.Logout().Wait() //nolint:errcheck
	c.Close()
	return d
}

func (d *Dovecot) Name() string     { return "dovecot" }
func (d *Dovecot) Addr() string     { return net.JoinHostPort("127.0.0.1", strconv.Itoa(d.port)) }
func (d *Dovecot) User() string     { return dovecotUser }
func (d *Dovecot) Password() string { return dovecotPassword }
func (d *Dovecot) HasMove() bool    { return true }

// Dir is the directory holding the configuration, log and mail.
func (d *Dovecot) Dir() string { return d.dir }

// Log returns Dovecot's log so far.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return string(b)
}

func (d *Dovecot) start(t testing.TB) {
	t.Helper()
	d.cmd = exec.Command(d.bin, "-F", "-c", d.conf)
	d.cmd.Stdout, d.cmd.Stderr = os.Stderr, os.Stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("imaptest: start dovecot: %v", err)
	}
	exit := make(chan error, 1)
	d.exit = exit
	go func(cmd *exec.Cmd) { exit <- cmd.Wait() }(d.cmd)
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", d.Addr(), time.Second)
		if err == nil {
			conn.Close()
			return
		}
		select {
		case err := <-exit:
			exit <- err
			t.Fatalf("imaptest: dovecot exited at start (%v); its log:\n%s", err, d.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("imaptest: dovecot does not listen on %s: %v; its log:\n%s", d.Addr(), err, d.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *Dovecot) stop(t testing.TB) {
	t.Helper()
	if d.cmd == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Dovecot's imap processes can outlive the master; they are ended too, so that a
	// restart drops every connection as a real one does.
	children := descendants(d.cmd.Process.Pid)
	if out, err := exec.CommandContext(ctx, d.admin, "-c", d.conf, "stop").CombinedOutput(); err != nil {
		t.Logf("imaptest: doveadm stop: %v: %s", err, out)
		d.cmd.Process.Kill() //nolint:errcheck
	}
	select {
	case <-d.exit:
	case <-ctx.Done():
		d.cmd.Process.Kill() //nolint:errcheck
		<-d.exit
	}
	d.cmd = nil
	for _, pid := range children {
		syscall.Kill(pid, syscall.SIGTERM) //nolint:errcheck
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range children {
		for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		syscall.Kill(pid, syscall.SIGKILL) //nolint:errcheck
	}
}

// descendants lists the processes below pid (from /proc).
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(f[1]); err == nil {
			parent[p] = pp
		}
	}
	var out []int
	var walk func(int)
	walk = func(pp int) {
		for p, q := range parent {
			if q == pp {
				out = append(out, p)
				walk(p)
			}
		}
	}
	walk(pid)
	return out
}

// Restart stops Dovecot with doveadm and starts it again on the same port.
func (d *Dovecot) Restart(t testing.TB) {
	t.Helper()
	d.stop(t)
	d.start(t)
}

// Stop stops Dovecot with doveadm and ends its imap processes, dropping every
// connection; the port refuses connections until Start.
func (d *Dovecot) Stop(t testing.TB) {
	t.Helper()
	d.stop(t)
}

// Start starts a stopped Dovecot again on the same port with the same mail.
func (d *Dovecot) Start(t testing.TB) {
	t.Helper()
	if d.cmd != nil {
		t.Fatalf("imaptest: dovecot is already running")
	}
	d.start(t)
}

// Doveadm runs a doveadm command against this Dovecot.
func (d *Dovecot) Doveadm(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, d.admin, append([]string{"-c", d.conf}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("imaptest: doveadm %v: %v: %s", args, err, out)
	}
	return string(out)
}

// SeedMaildir writes messages straight into the INBOX's Maildir (new/), much faster
// than APPEND; their internal date is date. Dovecot indexes them on the next SELECT.
func (d *Dovecot) SeedMaildir(t testing.TB, msgs [][]byte, date time.Time) {
	t.Helper()
	root := filepath.Join(d.dir, "mail", dovecotUser, "Maildir")
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		p := filepath.Join(root, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatalf("imaptest: %v", err)
		}
		if err := os.Chown(p, d.uid, d.gid); err != nil {
			t.Fatalf("imaptest: %v", err)
		}
	}
	for _, raw := range msgs {
		name := fmt.Sprintf("%d.M%dP%d.wsisbot-test,S=%d", date.Unix(), maildirSeq.Add(1), os.Getpid(), len(raw))
		tmp := filepath.Join(root, "tmp", name)
		if err := os.WriteFile(tmp, raw, 0o600); err != nil {
			t.Fatalf("imaptest: %v", err)
		}
		if err := os.Chown(tmp, d.uid, d.gid); err != nil {
			t.Fatalf("imaptest: %v", err)
		}
		if err := os.Chtimes(tmp, date, date); err != nil {
			t.Fatalf("imaptest: %v", err)
		}
		if err := os.Rename(tmp, filepath.Join(root, "new", name)); err != nil {
			t.Fatalf("imaptest: %v", err)
		}
	}
}
