package cli

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/charmbracelet/x/term"
)

// interrupts is Ctrl+C (SIGINT) and SIGTERM for one run: the first
// cancels the context, so a transfer stops where it is (its NAME.part
// kept) and the command reports and exits 128+signal (130 for Ctrl+C); a
// second one while that clean stop is still under way exits at once,
// after putting the terminal back as it was when the run began (a
// password prompt or the TUI may have changed it).
type interrupts struct {
	got  atomic.Value // os.Signal: the first one received
	stop func()
}

// catchInterrupts returns a context cancelled by the first SIGINT or
// SIGTERM, and the catcher (release it with stop).
func catchInterrupts(parent context.Context) (context.Context, *interrupts) {
	ctx, cancel := context.WithCancel(parent)
	restore := func() {}
	if fd := os.Stdin.Fd(); term.IsTerminal(fd) {
		if st, err := term.GetState(fd); err == nil {
			restore = func() { _ = term.Restore(fd, st) }
		}
	}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	in := &interrupts{}
	in.stop = func() {
		signal.Stop(ch)
		close(quit)
		cancel()
	}
	go func() {
		select {
		case s := <-ch:
			in.got.Store(s)
			cancel()
		case <-quit:
			return
		}
		select {
		case s := <-ch:
			restore()
			os.Exit(signalExit(s))
		case <-quit:
		}
	}()
	return ctx, in
}

// signal returns the signal that cancelled the run, or nil.
func (in *interrupts) signal() os.Signal {
	s, _ := in.got.Load().(os.Signal)
	return s
}

// signalExit is the shell's exit status for a command ended by s:
// 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
func signalExit(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 130
}
