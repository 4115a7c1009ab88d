//! `sk` against JSON-RPC nodes that misbehave: one that never answers, one whose answer never
//! ends, one that answers something else than JSON-RPC, one that answers an HTTP error, one whose
//! JSON-RPC error holds terminal escape sequences, and one that refuses connections. Each node is a
//! fake server in this process speaking just enough HTTP/1.1; `sk session inspect` and `sk session
//! sign` run against it with `--rpc-timeout 2s`, and must end with exit code 1 and an error that
//! names the node and what it did, with no escape sequence reaching the terminal.
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long a run of `sk` may take before the test fails instead of waiting on.
const OUTER_TIMEOUT: Duration = Duration::from_secs(60);

/// What a fake node does with each request.
#[derive(Clone, Copy)]
enum Node {
    /// Accepts the connection and never answers.
    Silent,
    /// Answers `200` with a body that never ends.
    Endless,
    /// Answers `status` with `body` as it is.
    Raw { status: &'static str, body: &'static str },
}

/// Starts a fake node on 127.0.0.1; returns its URL.
async fn fake_node(node: Node) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/rpc", listener.local_addr().expect("has an address"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, node));
        }
    });
    url
}

/// A URL where nothing listens: a port the OS handed out, then freed.
async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}/rpc", listener.local_addr().expect("has an address"));
    drop(listener);
    url
}

async fn serve(mut stream: TcpStream, node: Node) {
    if read_request(&mut stream).await.is_err() {
        return;
    }
    match node {
        Node::Silent => {
            // Hold the connection open, and say nothing.
            std::future::pending::<()>().await;
        }
        Node::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            let start = r#"{"jsonrpc":"2.0","id":1,"result":""#;
            let filler = "0".repeat(64 * 1024);
            let mut open = stream.write_all(head.as_bytes()).await.is_ok()
                && stream.write_all(chunk(start).as_bytes()).await.is_ok();
            // Until sk hangs up.
            while open {
                open = stream.write_all(chunk(&filler).as_bytes()).await.is_ok();
            }
        }
        Node::Raw { status, body } => {
            let length = body.len();
            let head = "content-type: application/json\r\nconnection: close";
            let answer = format!("HTTP/1.1 {status}\r\n{head}\r\ncontent-length: {length}\r\n\r\n{body}");
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    }
}

/// `data` as one chunk of a chunked HTTP body.
fn chunk(data: &str) -> String {
    format!("{:x}\r\n{data}\r\n", data.len())
}

/// Reads one HTTP request (head and `content-length` bytes of body).
async fn read_request(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(end) = request.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                return Ok(());
            }
        }
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(&buffer[..read]);
    }
}

/// What a run of `sk` printed, how it ended, and how long it took.
struct Run {
    args: String,
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    took: Duration,
}

impl Run {
    /// Asserts that `sk` failed the way a user should see it: exit code 1, `Error:`, the node's
    /// URL and `cause` on stderr, and no escape character or bidi override on either stream.
    fn refused(&self, url: &str, cause: &str) {
        let stdout = String::from_utf8_lossy(&self.stdout);
        let stderr = String::from_utf8_lossy(&self.stderr);
        let context = format!("sk {}\nexit code: {:?}\nstdout: {stdout:?}\nstderr: {stderr:?}", self.args, self.code);
        assert_eq!(self.code, Some(1), "expected exit code 1:\n{context}");
        assert!(stderr.starts_with("Error: "), "expected `Error:` on stderr:\n{context}");
        assert!(stderr.contains(url), "expected the node's URL {url} on stderr:\n{context}");
        assert!(stderr.contains(cause), "expected `{cause}` on stderr:\n{context}");
        for stream in [&self.stdout, &self.stderr] {
            assert!(!stream.contains(&0x1b), "an ESC byte reached the terminal:\n{context}");
        }
        for text in [&stdout, &stderr] {
            assert!(!text.contains('\u{202e}'), "a bidi override reached the terminal:\n{context}");
        }
    }
}

/// Runs `sk` in `dir`, failing the test if it does not end within [`OUTER_TIMEOUT`].
async fn sk(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sk"));
    command.args(args).current_dir(dir).stdin(Stdio::null()).kill_on_drop(true);
    for variable in ["STARKNET_RPC", "SK_RPC_TIMEOUT", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        command.env_remove(variable);
    }
    let args = args.join(" ");
    let output = tokio::time::timeout(OUTER_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("sk {args} did not end within {OUTER_TIMEOUT:?}"))
        .expect("sk runs");
    Run { args, code: output.status.code(), stdout: output.stdout, stderr: output.stderr, took: started.elapsed() }
}

/// A directory with an owner key (`owner.key`) and a session request (`request.json`) for
/// account 0x123 on SN_SEPOLIA, made without a node.
async fn request_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    #[rustfmt::skip]
    let commands: [&[&str]; 2] = [
        &["account", "new-key", "--out", "owner.key"],
        &[
            "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
            "--valid-for", "1h", "--key-out", "s.key", "--out", "request.json",
        ],
    ];
    for args in commands {
        let run = sk(dir.path(), args).await;
        assert_eq!(run.code, Some(0), "sk {} failed: {}", run.args, String::from_utf8_lossy(&run.stderr));
    }
    dir
}

/// Runs `sk session inspect` and `sk session sign` against the node at `url`; checks each was
/// refused with `cause`, and that no session file was written. Returns the runs.
async fn inspect_and_sign(url: &str, cause: &str) -> [Run; 2] {
    let dir = request_files().await;
    let inspect = sk(dir.path(), &["session", "inspect", "request.json", "--rpc", url, "--rpc-timeout", "2s"]).await;
    #[rustfmt::skip]
    let sign = sk(dir.path(), &[
        "session", "sign", "request.json", "--owner-key", "owner.key", "--yes", "--out", "session.json",
        "--rpc", url, "--rpc-timeout", "2s",
    ]).await;
    for run in [&inspect, &sign] {
        run.refused(url, cause);
    }
    assert!(!dir.path().join("session.json").exists(), "a session file was written");
    [inspect, sign]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_never_answers_times_out() {
    let url = fake_node(Node::Silent).await;
    let runs = inspect_and_sign(&url, &format!("the node at {url} did not answer within 2 s")).await;
    for run in runs {
        assert!(run.took < Duration::from_secs(30), "sk {} took {:?}", run.args, run.took);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_is_cut_off_at_the_cap() {
    let url = fake_node(Node::Endless).await;
    let runs = inspect_and_sign(&url, &format!("the node at {url} sent more than 16 MiB; stopped reading")).await;
    for run in runs {
        assert!(run.took < Duration::from_secs(20), "sk {} took {:?}", run.args, run.took);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_not_json_rpc_is_shown_escaped() {
    let body = "<html>\u{1b}[31mnot a node\u{1b}[0m \u{202e}txt.exe</html>";
    let url = fake_node(Node::Raw { status: "200 OK", body }).await;
    let cause = format!(
        "the node at {url} answered something that is not JSON-RPC: \
         <html>\\u{{1b}}[31mnot a node\\u{{1b}}[0m \\u{{202e}}txt.exe</html>"
    );
    inspect_and_sign(&url, &cause).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_error_status_is_named() {
    let body = "upstream \u{1b}[2Jexploded";
    let url = fake_node(Node::Raw { status: "500 Internal Server Error", body }).await;
    let cause = format!("the node at {url} answered HTTP 500 Internal Server Error: upstream \\u{{1b}}[2Jexploded");
    inspect_and_sign(&url, &cause).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_rpc_error_cannot_write_escape_sequences() {
    let body = r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"\u001b[2J\u001b[Hsession file written"}}"#;
    let url = fake_node(Node::Raw { status: "200 OK", body }).await;
    inspect_and_sign(&url, r#"message="\u{1b}[2J\u{1b}[Hsession file written""#).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_refuses_connections_is_named() {
    let url = closed_port().await;
    inspect_and_sign(&url, &format!("cannot connect to the node at {url}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_rpc_timeout_is_refused() {
    let dir = request_files().await;
    let url = closed_port().await;
    let run = sk(dir.path(), &["session", "inspect", "request.json", "--rpc", &url, "--rpc-timeout", "0s"]).await;
    assert_eq!(run.code, Some(2), "sk {}: {}", run.args, String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--rpc-timeout"));
}
