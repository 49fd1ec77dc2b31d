//! Private NATS and PostgreSQL servers for the fault tests of the distributed mode: each on a port
//! and in a directory of its own, so that a test may kill it (SIGKILL) and start it again without
//! disturbing the machine's shared servers, which other tests use at the same time.
//!
//! PostgreSQL refuses to run as root: when the tests run as root, the server runs as the
//! `postgres` user of the machine's PostgreSQL package, in a directory given to that user.

use std::{
    net::TcpStream,
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

/// A free port on 127.0.0.1 (free when this returns; the server binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until something accepts connections on `port` (failing after 30 s).
fn wait_for_port(port: u16, what: &str) {
    for _ in 0..600 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} does not listen on port {port} within 30 s");
}

/// A server a test kills and starts again.
pub trait Restartable {
    /// SIGKILL.
    fn kill(&mut self);
    /// Starts it again on the same port and data.
    fn restart(&mut self);
}

/// `nats-server -js` on a port and a storage directory of its own.
pub struct PrivateNats {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl PrivateNats {
    pub fn start() -> PrivateNats {
        let mut nats = PrivateNats { port: free_port(), dir: tempfile::tempdir().unwrap(), child: None };
        nats.restart();
        nats
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }
}

impl Restartable for PrivateNats {
    fn restart(&mut self) {
        assert!(self.child.is_none(), "the server runs");
        let log = std::fs::File::create(self.dir.path().join("nats.log")).unwrap();
        let child = Command::new("/usr/sbin/nats-server")
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"])
            .arg(self.dir.path().join("js"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        wait_for_port(self.port, "nats-server");
    }

    fn kill(&mut self) {
        let mut child = self.child.take().expect("the server runs");
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.kill();
        }
    }
}

/// A PostgreSQL cluster of its own (initdb), trust authentication, user `postgres`.
pub struct PrivatePostgres {
    pub port: u16,
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The user and group to run as (none when not root).
    owner: Option<(u32, u32)>,
    child: Option<Child>,
}

impl PrivatePostgres {
    pub fn start() -> PrivatePostgres {
        let bin = postgres_bin();
        let dir = tempfile::tempdir().unwrap();
        let owner = is_root().then(|| {
            let ids = |flag: &str| -> u32 {
                let out = Command::new("id").args([flag, "postgres"]).output().unwrap();
                String::from_utf8(out.stdout).unwrap().trim().parse().expect("the postgres user exists")
            };
            (ids("-u"), ids("-g"))
        });
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let mut postgres = PrivatePostgres { port: free_port(), dir, bin, owner, child: None };
        let initdb = postgres
            .command("initdb")
            .arg("-D")
            .arg(postgres.data())
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(initdb.success(), "initdb failed");
        postgres.restart();
        postgres
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command of the PostgreSQL binaries, run as the owner of the cluster.
    fn command(&self, name: &str) -> Command {
        let mut command = Command::new(self.bin.join(name));
        if let Some((uid, gid)) = self.owner {
            command.uid(uid).gid(gid);
        }
        command
    }
}

impl Restartable for PrivatePostgres {
    /// Starts the server (again) on the same port and data: after a kill, it recovers from its
    /// write-ahead log.
    fn restart(&mut self) {
        assert!(self.child.is_none(), "the server runs");
        let log = std::fs::File::create(self.dir.path().join(format!("postgres-{}.log", std::process::id()))).unwrap();
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string(), "-c", "listen_addresses=127.0.0.1", "-k"])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(log)
            // Its own process group: the postmaster and its backends die together.
            .process_group(0)
            .spawn()
            .unwrap();
        self.child = Some(child);
        // Ready: accepting connections, and past its recovery.
        for _ in 0..600 {
            let ready = Command::new(self.bin.join("pg_isready")).args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()]).status();
            if ready.unwrap().success() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("postgres is not ready on port {} within 30 s", self.port);
    }

    /// SIGKILL to the postmaster and every backend at once, as when its machine fails.
    fn kill(&mut self) {
        let mut child = self.child.take().expect("the server runs");
        let group = format!("-{}", child.id());
        let killed = Command::new("kill").args(["-KILL", "--", &group]).status().unwrap();
        assert!(killed.success(), "kill -KILL -- {group}");
        child.wait().unwrap();
        // The backends were children of the postmaster: wait until the last one has exited,
        // or the next postmaster finds their shared memory still attached.
        while shared_memory_in_use(&self.data()) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.kill();
        }
    }
}

/// Whether a process still runs from the data directory `data` (a backend of a killed server).
fn shared_memory_in_use(data: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    entries.flatten().any(|entry| {
        let cwd = std::fs::read_link(entry.path().join("cwd"));
        let state = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // A zombie has let go of its memory.
        cwd.is_ok_and(|cwd| cwd == data) && !state.split(") ").nth(1).is_some_and(|s| s.starts_with('Z'))
    })
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim() == "0"
}

/// The newest PostgreSQL binaries of the machine's packages.
fn postgres_bin() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries in /usr/lib/postgresql")
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version in /usr/lib/postgresql").1
}
