"""The seccomp filter of an answers' process: threads yes; new processes, lasting objects and reaching others no.

An exercise's process installs it before it runs any answer (see exercise.py).  What it refuses:

- new processes: fork, vfork and clone without CLONE_THREAD fail with EAGAIN (threads are clones with
  CLONE_THREAD, which numpy and the answers may start); clone3 with ENOSYS, so that glibc falls back to
  clone, whose flags the filter can read;
- objects that outlive the process or escape its memory limit (EPERM): System V IPC, POSIX message
  queues, keys, memfd files, io_uring, userfaultfd, perf events, BPF, extended attributes (and so ACLs,
  which stay on /tmp itself when its content is emptied), sockets other than local ones (a TCP
  connection leaves state in the sandbox's network namespace for the next submission);
- new namespaces and mounts (EPERM): a user namespace of its own would let the answers mount a tmpfs
  that no limit bounds;
- reaching other processes (EPERM): ptrace, process_vm_readv/writev, kcmp, pidfd_getfd,
  process_madvise, and the calls that change another process's limits, priority, scheduling, CPUs or
  memory placement (prlimit64, setpriority, sched_set*, ioprio_set, migrate_pages, move_pages) unless
  they name the calling process itself (0);
- any other system call ABI: another architecture's calls (i386 through int 0x80) and x32 calls
  (numbers with bit 30 set) fail with ENOSYS, so that no number escapes the rules above.

The program is classic BPF over struct seccomp_data; `program()` builds it for this machine.
"""

import ctypes
import errno
import functools
import platform
import struct

# Classic BPF, as the kernel reads it (linux/filter.h, linux/bpf_common.h).
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS: load a 32-bit word of seccomp_data
JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K: jump if the word equals k
JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K: jump if the word is at least k
JSET = 0x45  # BPF_JMP | BPF_JSET | BPF_K: jump if the word has a bit of k set
RET = 0x06  # BPF_RET | BPF_K: return k

# struct seccomp_data: the call's number, its architecture, then six 64-bit arguments (low word first).
NR, ARCH = 0, 4


def ARG(index):
    return 16 + 8 * index


# What the filter returns (linux/seccomp.h).
ALLOW = 0x7FFF0000


def ERRNO(number):
    return 0x00050000 | number


X32_BIT = 0x40000000
CLONE_THREAD = 0x00010000
PRIO_PROCESS, IOPRIO_WHO_PROCESS, AF_UNIX = 0, 1, 1

_REFUSED = ("shmget", "semget", "msgget", "mq_open", "add_key", "request_key", "keyctl", "memfd_create",
            "memfd_secret", "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd",
            "perf_event_open", "bpf", "unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
            "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
            "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
            "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "setxattrat",
            "removexattrat")
# Calls whose argument `index` names a process: allowed only for the calling one (0).
_SELF_ONLY = {"prlimit64": 0, "sched_setparam": 0, "sched_setscheduler": 0, "sched_setaffinity": 0,
              "sched_setattr": 0, "migrate_pages": 0, "move_pages": 0}

SYSCALLS = {
    "x86_64": {"audit_arch": 0xC000003E, "clone": 56, "clone3": 435, "fork": 57, "vfork": 58,
               "setpriority": 141, "ioprio_set": 251,
               "shmget": 29, "semget": 64, "msgget": 68, "mq_open": 240, "add_key": 248, "request_key": 249,
               "keyctl": 250, "memfd_create": 319, "memfd_secret": 447, "io_uring_setup": 425,
               "io_uring_enter": 426, "io_uring_register": 427, "userfaultfd": 323, "perf_event_open": 298,
               "bpf": 321, "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
               "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
               "fsmount": 432, "fspick": 433, "mount_setattr": 442, "ptrace": 101, "process_vm_readv": 310,
               "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438, "process_madvise": 440,
               "prlimit64": 302, "sched_setparam": 142, "sched_setscheduler": 144, "sched_setaffinity": 203,
               "sched_setattr": 314, "migrate_pages": 256, "move_pages": 279, "socket": 41, "socketpair": 53,
               "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198,
               "fremovexattr": 199, "setxattrat": 463, "removexattrat": 466},
    "aarch64": {"audit_arch": 0xC00000B7, "clone": 220, "clone3": 435, "fork": None, "vfork": None,
                "setpriority": 140, "ioprio_set": 30,
                "shmget": 194, "semget": 190, "msgget": 186, "mq_open": 180, "add_key": 217, "request_key": 218,
                "keyctl": 219, "memfd_create": 279, "memfd_secret": 447, "io_uring_setup": 425,
                "io_uring_enter": 426, "io_uring_register": 427, "userfaultfd": 282, "perf_event_open": 241,
                "bpf": 280, "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
                "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
                "fsmount": 432, "fspick": 433, "mount_setattr": 442, "ptrace": 117, "process_vm_readv": 270,
                "process_vm_writev": 271, "kcmp": 272, "pidfd_getfd": 438, "process_madvise": 440,
                "prlimit64": 261, "sched_setparam": 118, "sched_setscheduler": 119, "sched_setaffinity": 122,
                "sched_setattr": 274, "migrate_pages": 238, "move_pages": 239, "socket": 198, "socketpair": 199,
                "setxattr": 5, "lsetxattr": 6, "fsetxattr": 7, "removexattr": 14, "lremovexattr": 15,
                "fremovexattr": 16, "setxattrat": 463, "removexattrat": 466},
}


def program(machine=None):
    """The filter's instructions, as (code, jump if true, jump if false, k) tuples; None on a machine
    whose system call numbers are not listed above."""
    table = SYSCALLS.get(machine or platform.machine())
    if table is None:
        return None
    code = [(LD_W_ABS, 0, 0, ARCH), (JEQ, 1, 0, table["audit_arch"]), (RET, 0, 0, ERRNO(errno.ENOSYS)),
            (LD_W_ABS, 0, 0, NR), (JGE, 0, 1, X32_BIT), (RET, 0, 0, ERRNO(errno.ENOSYS)),
            (JEQ, 0, 1, table["clone3"]), (RET, 0, 0, ERRNO(errno.ENOSYS))]
    for name in ("fork", "vfork"):
        if table[name] is not None:
            code += [(JEQ, 0, 1, table[name]), (RET, 0, 0, ERRNO(errno.EAGAIN))]
    for name in _REFUSED:
        code += [(JEQ, 0, 1, table[name]), (RET, 0, 0, ERRNO(errno.EPERM))]
    for name, index in _SELF_ONLY.items():  # the call names a process: allowed for 0 (this one) only
        code += [(JEQ, 0, 4, table[name]), (LD_W_ABS, 0, 0, ARG(index)), (JEQ, 0, 1, 0), (RET, 0, 0, ALLOW),
                 (RET, 0, 0, ERRNO(errno.EPERM))]
    for name in ("socket", "socketpair"):  # local sockets only: no network state left for the next one
        code += [(JEQ, 0, 4, table[name]), (LD_W_ABS, 0, 0, ARG(0)), (JEQ, 0, 1, AF_UNIX), (RET, 0, 0, ALLOW),
                 (RET, 0, 0, ERRNO(errno.EPERM))]
    for name, which in (("setpriority", PRIO_PROCESS), ("ioprio_set", IOPRIO_WHO_PROCESS)):
        # (which, who): allowed for this process only, which is (PRIO_PROCESS or IOPRIO_WHO_PROCESS, 0).
        code += [(JEQ, 0, 6, table[name]), (LD_W_ABS, 0, 0, ARG(0)), (JEQ, 0, 3, which),
                 (LD_W_ABS, 0, 0, ARG(1)), (JEQ, 0, 1, 0), (RET, 0, 0, ALLOW), (RET, 0, 0, ERRNO(errno.EPERM))]
    code += [(JEQ, 0, 4, table["clone"]), (LD_W_ABS, 0, 0, ARG(0)), (JSET, 0, 1, CLONE_THREAD),
             (RET, 0, 0, ALLOW), (RET, 0, 0, ERRNO(errno.EAGAIN)),
             (RET, 0, 0, ALLOW)]
    return code


PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


class _Program(ctypes.Structure):  # struct sock_fprog
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


@functools.lru_cache(maxsize=None)
def _built():
    """(libc, the sock_fprog, the buffer it points into), built once in the warm process, whose children
    inherit it; None where program() is None."""
    code = program()
    if code is None:
        return None
    buffer = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *instruction) for instruction in code))
    return ctypes.CDLL(None, use_errno=True), _Program(len(code), ctypes.cast(buffer, ctypes.c_void_p)), buffer


def prepare():
    """Build the filter now (in the warm process), so that installing it costs an exercise nothing."""
    return _built() is not None


def install():
    """Install the filter on this process (and the threads it starts); False on an unknown machine."""
    built = _built()
    if built is None:
        return False
    libc, fprog, _ = built
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")
    return True
