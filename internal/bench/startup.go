package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sendcase/sendcase/internal/node"
)

// startups measures fresh `sendcase serve` processes on the seeded data,
// from outside, as an operator meets them: the time to ready and the
// resident memory then (no forced GC), and the peak, first with a full
// rebuild of the in-memory views, then from a snapshot (one written by a
// server in between).
func startups(ctx context.Context, o Options, rep *Report, logf func(string, ...any)) error {
	logf("start-up: a fresh serve, full rebuild")
	full, err := startServe(ctx, o.DataDir, "SENDCASE_SNAPSHOT_EVERY=-1")
	if err != nil {
		return err
	}
	settled, err := full.settle()
	if err != nil {
		return err
	}
	if err := full.stop(); err != nil {
		return err
	}
	rep.add(Line{Name: "start-up, full rebuild of the in-memory views (fresh serve)", Value: full.ready.Seconds(), Unit: "s", Target: "≤ 60 s", Met: met(full.ready <= time.Minute)})
	rep.add(Line{Name: "  its resident memory at ready (no forced GC)", Value: mib(full.rss), Unit: "MiB", Target: "≤ 1024 MiB", Met: met(full.rss <= 1<<30)})
	rep.add(Line{Name: "  its peak resident memory", Value: mib(full.peak), Unit: "MiB"})
	rep.add(Line{Name: "  its resident memory once settled (views compacted, trends worked out, histories packed)", Value: mib(settled), Unit: "MiB", Target: "≤ 1024 MiB", Met: met(settled <= 1<<30)})

	logf("start-up: a fresh serve writes a snapshot")
	writer, err := startServe(ctx, o.DataDir, "SENDCASE_SNAPSHOT_EVERY=1", "SENDCASE_SNAPSHOT_MINUTES=0.01")
	if err != nil {
		return err
	}
	line, err := writer.await(`"msg":"snapshot of the views written"`, 15*time.Minute)
	if err == nil {
		err = writer.stop()
	}
	if err != nil {
		return err
	}
	var written struct {
		Bytes    float64 `json:"bytes"`
		Duration float64 `json:"duration"` // nanoseconds, as slog writes a duration
	}
	if err := json.Unmarshal([]byte(line), &written); err != nil {
		return fmt.Errorf("snapshot log line %q: %w", line, err)
	}
	rep.add(Line{Name: fmt.Sprintf("snapshot of the views written (%.0f MiB)", written.Bytes/(1<<20)), Value: written.Duration / 1e9, Unit: "s"})

	logf("start-up: a fresh serve from the snapshot")
	snap, err := startServe(ctx, o.DataDir, "SENDCASE_SNAPSHOT_EVERY=100000", "SENDCASE_SNAPSHOT_MINUTES=60")
	if err != nil {
		return err
	}
	loaded := snap.logged(`"msg":"views loaded from a snapshot"`)
	snapSettled, err := snap.settle()
	if err != nil {
		return err
	}
	if err := snap.stop(); err != nil {
		return err
	}
	if !loaded {
		return errors.New("the fresh serve did not load the snapshot")
	}
	rep.add(Line{Name: "start-up from a snapshot (fresh serve)", Value: snap.ready.Seconds(), Unit: "s", Target: "≤ 10 s", Met: met(snap.ready <= 10*time.Second)})
	rep.add(Line{Name: "  its resident memory at ready (no forced GC)", Value: mib(snap.rss), Unit: "MiB", Target: "≤ 1024 MiB", Met: met(snap.rss <= 1<<30)})
	rep.add(Line{Name: "  its peak resident memory", Value: mib(snap.peak), Unit: "MiB"})
	rep.add(Line{Name: "  its resident memory once settled (views compacted, trends worked out, histories packed)", Value: mib(snapSettled), Unit: "MiB", Target: "≤ 1024 MiB", Met: met(snapSettled <= 1<<30)})
	return nil
}

// settle waits for the work a server does in the background once ready
// (its views compacted after a full rebuild, the trends worked out, the
// histories packed) and answers its resident memory then.
func (p *serveProc) settle() (int64, error) {
	if _, err := p.await(`"msg":"`+node.SettledLog+`"`, 10*time.Minute); err != nil {
		return 0, err
	}
	return procStatus(p.cmd.Process.Pid, "VmRSS:"), nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// serveProc is a `sendcase serve` process of this binary.
type serveProc struct {
	cmd  *exec.Cmd
	done chan error
	// ready is how long it took to log that it was ready; rss and peak its
	// resident memory then, and the most it had held.
	ready     time.Duration
	rss, peak int64
	mu        sync.Mutex
	lines     []string
	heard     chan struct{} // a line was logged
}

// startServe starts serve on dir (embedded NATS, memory views, no port
// but a free one) with env, and waits until it is ready.
func startServe(ctx context.Context, dir string, env ...string) (*serveProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "serve")
	cmd.Env = append(os.Environ(), "SENDCASE_DATA_DIR="+dir, "SENDCASE_ADDR=127.0.0.1:0", "NATS_URL=", "DATABASE_URL=", "SENDCASE_ADMIN_TOKEN=")
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	p := &serveProc{cmd: cmd, done: make(chan error, 1), heard: make(chan struct{}, 1)}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.heard <- struct{}{}:
			default:
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	if _, err := p.await(`"msg":"sendcase ready"`, 15*time.Minute); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	p.ready = time.Since(start)
	p.rss, p.peak = procStatus(cmd.Process.Pid, "VmRSS:"), procStatus(cmd.Process.Pid, "VmHWM:")
	return p, nil
}

// logged answers the first line logged that contains s.
func (p *serveProc) line(s string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.lines {
		if strings.Contains(l, s) {
			return l, true
		}
	}
	return "", false
}

func (p *serveProc) logged(s string) bool { _, ok := p.line(s); return ok }

// await waits up to d for a line containing s.
func (p *serveProc) await(s string, d time.Duration) (string, error) {
	deadline := time.After(d)
	for {
		if l, ok := p.line(s); ok {
			return l, nil
		}
		select {
		case <-p.heard:
		case err := <-p.done:
			p.done <- err
			if l, ok := p.line(s); ok {
				return l, nil
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			return "", fmt.Errorf("serve exited (%v) before logging %s; its log ends:\n%s", err, s, strings.Join(p.lines[max(len(p.lines)-10, 0):], "\n"))
		case <-deadline:
			return "", fmt.Errorf("serve did not log %s within %s", s, d)
		}
	}
}

// stop ends the process as an operator would (SIGTERM) and waits.
func (p *serveProc) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-p.done:
		if err != nil {
			return fmt.Errorf("serve after SIGTERM: %w", err)
		}
		return nil
	case <-time.After(2 * time.Minute):
		_ = p.cmd.Process.Kill()
		return errors.New("serve still running 2 minutes after SIGTERM")
	}
}

// peakRSS is this process's high-water resident set (Linux).
func peakRSS() int64 { return procStatus(os.Getpid(), "VmHWM:") }

// procStatus reads a size from /proc/<pid>/status (Linux; 0 elsewhere).
func procStatus(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// fileSystem names the file system dir is on (Linux), since appends and
// seeding wait for its fsync.
func fileSystem(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "an unknown file system"
	}
	names := map[int64]string{0x01021994: "tmpfs (memory: fsync costs nothing)", 0xEF53: "ext4", 0x58465342: "xfs", 0x9123683E: "btrfs", 0x794c7630: "overlayfs", 0x6969: "nfs", 0x2fc12fc1: "zfs"}
	if n, ok := names[int64(st.Type)]; ok {
		return n
	}
	return fmt.Sprintf("file system type %#x", st.Type)
}
