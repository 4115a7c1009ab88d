//! The summary the owner reads before signing, as a person sees it on a terminal (issue #23): `sk
//! session sign` runs on a pseudo-terminal, its output goes through a terminal emulator (`vt100`,
//! which moves the cursor, erases and overwrites as a terminal does), and the test reads the
//! screen. A request crafted to hide what it grants (control characters in its texts, an
//! `uncounted` policy, many elements) must leave every element visible on the screen, each list
//! counted; the owner then declines at the prompt.
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod support;

use support::Sk;

/// The terminal's size: tall enough that nothing scrolls away, as wide as a laptop's.
const ROWS: u16 = 200;
const COLS: u16 = 120;

/// A pseudo-terminal of `ROWS` × `COLS`: its controlling side and the side a program runs on.
fn pty() -> (OwnedFd, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    let size = libc::winsize { ws_row: ROWS, ws_col: COLS, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: openpty writes two file descriptors it opened, which we then own.
    let done = unsafe { libc::openpty(&mut controller, &mut terminal, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(done, 0, "openpty failed: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors are open and owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(controller), OwnedFd::from_raw_fd(terminal)) }
}

/// Runs `sk` with `args` in `sk`'s folder on a terminal, answers `answer` at its `[y/N]` prompt,
/// and returns the screen as a terminal shows it once `sk` has ended, and its exit code.
fn on_terminal(sk: &Sk, args: &[&str], answer: &str) -> (String, Option<i32>) {
    let (controller, terminal) = pty();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sk"))
        .args(args)
        .current_dir(sk.dir.path())
        .env_remove("STARKNET_RPC")
        .stdin(Stdio::from(terminal.try_clone().unwrap()))
        .stdout(Stdio::from(terminal.try_clone().unwrap()))
        .stderr(Stdio::from(terminal))
        .spawn()
        .expect("sk runs");
    // Non-blocking reads, so the loop also notices the end of `sk`.
    // SAFETY: F_SETFL on a descriptor we own.
    unsafe { libc::fcntl(controller.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
    let mut file = std::fs::File::from(controller);
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    let mut seen = Vec::new();
    let mut answered = false;
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    let code = loop {
        match file.read(&mut buffer) {
            Ok(n) if n > 0 => {
                parser.process(&buffer[..n]);
                seen.extend_from_slice(&buffer[..n]);
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
        if !answered && String::from_utf8_lossy(&seen).contains("[y/N]") {
            file.write_all(answer.as_bytes()).unwrap();
            answered = true;
        }
        if let Some(status) = child.try_wait().unwrap() {
            // What is left in the terminal's buffer.
            while let Ok(n) = file.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                parser.process(&buffer[..n]);
            }
            break status.code();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "sk did not end:\n{}", parser.screen().contents());
    };
    (parser.screen().contents(), code)
}

/// A request for account 0x123 on SN_SEPOLIA made by `sk session new`, then made as hostile as a
/// request the SDK still reads can be: three policies (one on ETH with no rule), rules with
/// amounts, two spending limits, an `uncounted` policy, and a message policy whose domain name
/// and version hold an escape sequence and a carriage return.
async fn crafted_request(sk: &Sk) {
    sk.run(&["account", "new-key", "--out", "owner.key"]).await.ok();
    #[rustfmt::skip]
    let new = [
        "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:approve",
        "--policy", "ETH:transfer", "--policy", "STRK:transfer", "--valid-for", "1h",
        "--spending-limit", "STRK:1", "--spending-limit", "ETH:0.5:0.1/1d",
        "--rule", "STRK:transfer:0:EQ:0x7e57", "--rule", "STRK:transfer:1:u256:LE:0.001",
        "--key-out", "session.key", "--out", "request.json",
    ];
    sk.run(&new).await.ok();
    let mut request: Value = serde_json::from_str(&sk.read("request.json")).unwrap();
    request["request"]["policies"].as_array_mut().unwrap().push(json!({
        "contract": "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d",
        "selector": format!("{:#x}", starknet::core::utils::get_selector_from_name("burn").unwrap()),
        "name": "burn", "uncounted": true,
    }));
    request["request"]["messages"] =
        json!([{ "domain_name": "\u{1b}[2J\u{1b}[H", "domain_version": "1\r", "type": "\"Move\"()" }]);
    sk.write("crafted.json", &request.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_summary_of_a_crafted_request_shows_every_element_on_a_terminal() {
    let sk = Sk::new();
    crafted_request(&sk).await;
    let args = ["session", "sign", "crafted.json", "--owner-key", "owner.key", "--out", "session.json"];
    let (screen, code) = on_terminal(&sk, &args, "n\n");
    assert_eq!(code, Some(1), "declined:\n{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let on_screen = |needle: &str| {
        assert!(lines.iter().any(|line| line.contains(needle)), "`{needle}` is not on the screen:\n{screen}");
    };
    // The first line is still there: nothing cleared the screen or moved the cursor up.
    assert!(lines[0].starts_with("about to sign, as the owner of 0x0000"), "{screen}");
    for needle in [
        "spending      2 tokens limited",
        "  1 of 2      ",
        "  2 of 2      ",
        "(ETH): at most 0.5 ETH (500000000000000000 base units) in all, at most 0.1 ETH",
        "(STRK): at most 1 STRK (1000000000000000000 base units) in all",
        "calls         4 kinds of call the session may make",
        "  1 of 4      ",
        "  4 of 4      ",
        "(ETH) transfer (0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e)",
        "(STRK) approve",
        "(STRK) burn",
        "(STRK) transfer",
        "only if 2 rules all hold:",
        "word 0 == 0x7e57",
        "word 1 (u256) <= 0.001 STRK (1000000000000000 base units)",
        "WARNING: not counted by the spending limit of this token: `burn` calls can lock it or let others take it",
        "messages      1 kind the session may sign for the account",
        "messages of the domain \"\\u{1b}[2J\\u{1b}[H\" version \"1\\r\"",
        "sign it? [y/N] n",
        "Error: nothing was done: declined",
    ] {
        on_screen(needle);
    }
    // Four policies, each on its own line, and with any arguments where it has no rule.
    assert_eq!(lines.iter().filter(|line| line.contains("with any arguments")).count(), 3, "{screen}");
    assert!(!sk.path("session.json").exists(), "nothing was signed");
}

/// The request of the review (a policy named `"transfer\r"` and 300 blanks) is refused on the
/// terminal too, with the name shown as the characters it holds.
#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_policy_is_refused_and_shown_escaped_on_a_terminal() {
    let sk = Sk::new();
    crafted_request(&sk).await;
    let mut request: Value = serde_json::from_str(&sk.read("request.json")).unwrap();
    let hidden = format!("transfer\r{}", " ".repeat(300));
    request["request"]["policies"].as_array_mut().unwrap().push(json!({
        "contract": "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7",
        "selector": format!("{:#x}", starknet::core::utils::starknet_keccak(hidden.as_bytes())),
        "name": hidden,
    }));
    sk.write("hidden.json", &request.to_string());
    let args = ["session", "sign", "hidden.json", "--owner-key", "owner.key", "--out", "session.json"];
    let (screen, code) = on_terminal(&sk, &args, "y\n");
    assert_eq!(code, Some(1), "{screen}");
    assert!(
        screen.starts_with("Error: hidden.json is not a session request at `request`: `transfer\\r   "),
        "{screen}"
    );
    assert!(!screen.contains("sign it?"), "{screen}");
    assert!(!sk.path("session.json").exists());
}
