"""Trusted supervisor for one sandboxed run: isolate, limit, time out, kill everything, reap.

Run by the grader as ``python -I -S _supervisor.py CONFIG_JSON`` in a new session. It forks one
child that applies the isolation layers and then ``exec``s the untrusted runner:

* its own session and process group; the supervisor is a *child subreaper*, so every process the
  submission starts (even a ``setsid`` double fork) stays its descendant and is found and killed;
* resource limits: RLIMIT_CPU, RLIMIT_AS (memory), RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_CORE=0 and
  RLIMIT_NPROC;
* as root: a fresh random uid/gid with no supplementary groups (so RLIMIT_NPROC counts only this
  run's processes, which contains a fork bomb, and the submission cannot signal the grader or read
  root-only files), ``no_new_privs``, a private mount namespace where the repository (masters,
  package, git objects), the submissions and the output folder are covered by empty read-only
  tmpfs mounts with only what the sandbox needs (the Python installation, the job folder) bound
  back in; ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are private 64 MB scratch tmpfs mounts (nothing
  a submission writes there outlives it); and cgroups (pids.max, memory limit, a CPU share) when the
  cgroup file system is writable.

When the runner exits, or the wall-clock limit passes, every process of the run is SIGKILLed
(descendants, the run's uid, its cgroup) and reaped. The supervisor then prints one JSON line with
what happened. It uses only the standard library (it starts with ``-S``).
"""
from __future__ import annotations

import ctypes
import json
import os
import random
import resource
import signal
import sys
import time

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 38, 36
SETUP_FAILED = 97


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    return libc


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _proc_table() -> dict[int, tuple[int, str, int]]:
    """pid -> (ppid, state, uid) for every visible process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
            uid = os.stat(f"/proc/{name}").st_uid
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()
        table[int(name)] = (int(rest[1]), rest[0], uid)
    return table


def _targets(me: int, uid: int | None, cgroup_procs: list[str]) -> set[int]:
    """Live (non-zombie) processes of this run: descendants of the supervisor, the run's uid, its cgroup."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = set(), list(children.get(me, []))
    while stack:
        pid = stack.pop()
        if pid not in found:
            found.add(pid)
            stack.extend(children.get(pid, []))
    if uid is not None:
        found |= {pid for pid, (_, _, u) in table.items() if u == uid}
    for path in cgroup_procs:
        try:
            with open(path) as f:
                found |= {int(x) for x in f.read().split()}
        except OSError:
            pass
    return {pid for pid in found if pid in table and table[pid][1] != "Z" and pid != me}


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _kill_all(me: int, uid: int | None, cgroup_procs: list[str], budget_s: float = 5.0) -> tuple[int, list[int]]:
    """SIGKILL every process of the run until none is left; returns (how many were killed, survivors)."""
    killed: set[int] = set()
    deadline = time.monotonic() + budget_s
    quiet_rounds = 0
    while time.monotonic() < deadline:
        targets = _targets(me, uid, cgroup_procs)
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except OSError:
                pass
        _reap()
        if targets:
            quiet_rounds = 0
            time.sleep(0.005)
        else:
            quiet_rounds += 1
            if quiet_rounds >= 2:
                return len(killed), []
            time.sleep(0.01)
    return len(killed), sorted(_targets(me, uid, cgroup_procs))


def _pick_uid() -> int:
    used = set()
    try:
        with open("/etc/passwd") as f:
            used = {int(line.split(":")[2]) for line in f if line.count(":") >= 3 and line.split(":")[2].isdigit()}
    except OSError:
        pass
    procs = {u for (_, _, u) in _proc_table().values()}
    while True:
        uid = random.SystemRandom().randrange(200_000, 2_000_000_000)
        if uid not in used and uid not in procs:
            return uid


def _make_cgroups(name: str, memory_bytes: int, nproc: int) -> tuple[list[str], list[str]]:
    """Create cgroups (v1 pids/memory/cpu hierarchies, or v2) for this run; returns (dirs, procs files)."""
    dirs: list[str] = []
    base = "/sys/fs/cgroup"
    settings = {"pids": {"pids.max": str(nproc)}, "memory": {"memory.limit_in_bytes": str(memory_bytes)}, "cpu": {}}
    if os.path.isdir(f"{base}/pids"):  # cgroup v1
        for ctrl, files in settings.items():
            path = f"{base}/{ctrl}/{name}"
            try:
                os.mkdir(path)
            except OSError:
                continue
            dirs.append(path)
            for fname, value in files.items():
                try:
                    with open(f"{path}/{fname}", "w") as f:
                        f.write(value)
                except OSError:
                    pass
    elif os.path.exists(f"{base}/cgroup.controllers"):  # cgroup v2: best effort
        path = f"{base}/{name}"
        try:
            os.mkdir(path)
            dirs.append(path)
            for fname, value in (("pids.max", str(nproc)), ("memory.max", str(memory_bytes))):
                try:
                    with open(f"{path}/{fname}", "w") as f:
                        f.write(value)
                except OSError:
                    pass
        except OSError:
            pass
    return dirs, [f"{d}/cgroup.procs" for d in dirs]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")  # private, writable, size-limited inside the sandbox


def _plan_mounts(hide: list[str], needed: list[str]) -> tuple[list[tuple[str, bool]], list[str]]:
    """Folders to cover with an empty tmpfs (and whether it is a writable scratch), and the needed
    paths to bind back inside them.

    ``hide`` folders are covered read-only; ``SCRATCH`` folders get a fresh writable tmpfs; so is
    the first ancestor of a needed path that other users may not search (e.g. ``/root`` holding a
    pyenv Python). Needed paths inside a covered folder are bound back; nothing needed is covered.
    """
    needed = sorted({p for p in needed if os.path.exists(p)}, key=len)
    needed = [p for i, p in enumerate(needed) if not any(_inside(p, q) for q in needed[:i])]
    covers = {h: False for h in hide if os.path.isdir(h) and h != "/" and not any(_inside(h, n) for n in needed)}
    covers.update({d: True for d in SCRATCH if os.path.isdir(d) and not os.path.islink(d)})
    for path in needed:
        parts = path.split("/")
        for i in range(2, len(parts)):
            anc = "/".join(parts[:i])
            if not os.stat(anc).st_mode & 0o001:
                covers.setdefault(anc, False)
                break
    order = sorted(covers, key=len)
    kept = [c for i, c in enumerate(order) if not any(_inside(c, d) for d in order[:i])]
    return [(c, covers[c]) for c in kept], needed


def _cover(libc, covers: list[tuple[str, bool]], needed: list[str]) -> None:
    """Mount an empty tmpfs on each cover folder and bind the needed paths back in."""
    import stat

    fds = {n: os.open(n, os.O_PATH) for n in needed if any(_inside(n, c) for c, _ in covers)}
    for c, scratch in covers:
        st = os.stat(c)
        opts = "size=64m,mode=1777" if scratch else f"size=1m,mode=0711,uid={st.st_uid},gid={st.st_gid}"
        _check(libc.mount(b"tmpfs", c.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, opts.encode()), f"mount tmpfs on {c}")
        for n, fd in fds.items():
            if not _inside(n, c):
                continue
            parts = n[len(c.rstrip("/")) + 1:].split("/")
            target = c.rstrip("/")
            for part in parts[:-1]:
                target += "/" + part
                if not os.path.isdir(target):
                    os.mkdir(target, 0o711)
            target += "/" + parts[-1]
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                os.mkdir(target, 0o711)
            else:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
            _check(libc.mount(f"/proc/self/fd/{fd}".encode(), target.encode(), None, MS_BIND | MS_REC, None),
                   f"bind-mount {n}")
        if not scratch:
            _check(libc.mount(None, c.encode(), None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None),
                   f"remount {c} read-only")
    for fd in fds.values():
        os.close(fd)


def _limit(res: int, soft: int, hard: int) -> None:
    """Lower a resource limit (never above the current hard limit, which a non-root user cannot raise)."""
    _, cur_hard = resource.getrlimit(res)
    if cur_hard != resource.RLIM_INFINITY:
        hard, soft = min(hard, cur_hard), min(soft, cur_hard)
    resource.setrlimit(res, (soft, hard))


def _child(cfg: dict, uid: int | None, cgroup_procs: list[str], report_fd: int) -> None:
    """In the forked child: apply the isolation layers, then exec the runner. Never returns."""
    layers = ["session", "rlimits"]
    try:
        os.setsid()
        jobdir = cfg["jobdir"]
        joined = []
        for path in cgroup_procs:  # /sys/fs/cgroup/<controller>/<name>/cgroup.procs (v1) or .../<name>/... (v2)
            try:
                with open(path, "w") as f:
                    f.write(str(os.getpid()))
                parts = path.split("/")
                joined.append(parts[4] if len(parts) > 6 else "v2")
            except OSError:
                pass
        if joined:
            layers.append("cgroup(" + ",".join(joined) + ")")
        out = os.open(os.path.join(jobdir, "stdout.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(os.path.join(jobdir, "stderr.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if uid is not None:
            libc = _libc()
            covers, needed = _plan_mounts(cfg.get("hide", []), cfg.get("needed", []) + [jobdir])
            try:
                _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
                _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
                _cover(libc, covers, needed)
                layers.append("mountns")
            except OSError as exc:
                os.write(err, f"grader: no private mount namespace ({exc}); hidden paths stay visible\n".encode())
            os.chown(jobdir, uid, uid)
            os.chown(os.path.join(jobdir, "stdout.txt"), uid, uid)
            os.chown(os.path.join(jobdir, "stderr.txt"), uid, uid)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            layers.append("uid")
        libc = _libc()
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
            layers.append("no_new_privs")
        lim = cfg["limits"]
        cpu = int(lim["cpu_s"])
        _limit(resource.RLIMIT_CORE, 0, 0)
        _limit(resource.RLIMIT_CPU, cpu, cpu + 1)
        _limit(resource.RLIMIT_AS, lim["memory_bytes"], lim["memory_bytes"])
        _limit(resource.RLIMIT_FSIZE, lim["fsize_bytes"], lim["fsize_bytes"])
        _limit(resource.RLIMIT_NOFILE, 64, 64)
        _limit(resource.RLIMIT_NPROC, lim["nproc"], lim["nproc"])
        os.chdir(jobdir)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        argv = cfg["argv"]
        if uid is not None and not os.access(argv[0], os.X_OK):
            raise PermissionError(f"the sandbox user cannot run {argv[0]}: install Python where every user can "
                                  "read it, or grade on a machine that allows mount namespaces")
        os.write(report_fd, (json.dumps(layers) + "\n").encode())
        os.execve(argv[0], argv, cfg["env"])  # report_fd is close-on-exec: EOF tells the supervisor
    except BaseException as exc:  # noqa: BLE001
        try:
            os.write(report_fd, (json.dumps({"setup_error": f"{type(exc).__name__}: {exc}"}) + "\n").encode())
        finally:
            os._exit(SETUP_FAILED)


def main() -> None:
    cfg = json.loads(sys.argv[1])
    me = os.getpid()
    start = time.monotonic()
    root = os.geteuid() == 0 and not cfg.get("unprivileged")
    uid = _pick_uid() if root else None
    lim = cfg["limits"]
    nproc = int(lim["nproc"])
    if not root:  # RLIMIT_NPROC counts all of the user's processes: allow this many more
        mine = sum(1 for (_, _, u) in _proc_table().values() if u == os.geteuid())
        lim["nproc"] = mine + nproc
    cg_dirs, cg_procs = ([], [])
    if root and cfg.get("cgroups", True):
        # RLIMIT_AS raises MemoryError first; the cgroup caps the whole run (forks included) with headroom
        cg_dirs, cg_procs = _make_cgroups(f"ptmgrade-{me}-{uid}", 2 * lim["memory_bytes"], nproc)
    libc = _libc()
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(r)
        _child(cfg, uid, cg_procs, w)
    os.close(w)
    report = b""
    while chunk := os.read(r, 4096):
        report += chunk
    os.close(r)
    layers: list | dict | None = None
    for line in report.decode(errors="replace").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            layers = item  # a setup error overrides the layer list
        elif isinstance(item, list) and not isinstance(layers, dict):
            layers = item
    if layers is None:
        layers = {"setup_error": "the sandbox child reported nothing"}
    deadline = start + float(cfg["timeout_s"])
    status, timed_out = None, False
    while status is None:
        try:
            pid, st = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == child:
            status = st
        elif pid == 0:
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.01)
    wall = time.monotonic() - start
    killed, survivors = _kill_all(me, uid, cg_procs)
    if status is None:
        try:
            _, status = os.waitpid(child, 0)
        except ChildProcessError:
            status = None
    _reap()
    for d in cg_dirs:
        try:
            os.rmdir(d)
        except OSError:
            pass
    result = {
        "timed_out": timed_out,
        "exit_code": os.waitstatus_to_exitcode(status) if status is not None else None,
        "wall_s": round(wall, 3),
        "killed": killed,
        "survivors": survivors,
        "uid": uid,
    }
    if isinstance(layers, dict):
        result["setup_error"] = layers["setup_error"]
    else:
        result["isolation"] = layers
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
