package natstest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes a child server exit when the test process does, even
// when the test dies before its cleanups run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
