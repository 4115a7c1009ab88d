//! The JSON-RPC transport of every [`Provider`](crate::Provider): HTTP through reqwest, with time
//! limits and a cap on the answer's size.
//!
//! We wrap reqwest ourselves instead of using starknet-rs's `HttpTransport` because that transport
//! sets no timeout and reads the whole answer into memory at once, whatever its size: a node that
//! never answers hangs its caller forever, and a node that sends an endless answer grows its
//! caller's memory until the system gives out. [`RpcTransport`] has a connect timeout, a timeout
//! on the whole request (reading the answer included) and a cap on the answer's size, read chunk by
//! chunk. Its errors ([`TransportError`]) name the node and say what it did; text the node sent is
//! shown with control characters escaped, and so are the message and data of the JSON-RPC errors
//! it passes on, so a node cannot write escape sequences to the user's terminal through them.
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use starknet::providers::jsonrpc::{JsonRpcError, JsonRpcMethod, JsonRpcResponse, JsonRpcTransport};
use starknet::providers::ProviderRequestData;
use url::Url;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// How many characters of an answer an error shows.
const EXCERPT_CHARS: usize = 200;

/// The limits of an [`RpcTransport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportConfig {
    /// The longest a request may take, from connecting to the answer's last byte.
    pub request_timeout: Duration,
    /// The longest connecting to the node may take.
    pub connect_timeout: Duration,
    /// The largest answer read, in bytes; reading stops past it, with an error.
    pub max_answer_bytes: usize,
}

impl TransportConfig {
    /// The default request timeout: 60 s.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default cap on an answer: 16 MiB.
    pub const DEFAULT_MAX_ANSWER_BYTES: usize = 16 * MIB;

    /// These limits with `request_timeout` as the request timeout.
    pub fn with_request_timeout(self, request_timeout: Duration) -> Self {
        Self { request_timeout, ..self }
    }
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            max_answer_bytes: Self::DEFAULT_MAX_ANSWER_BYTES,
        }
    }
}

/// A failed exchange with a node. Every message names the node by its URL; text the node sent is
/// shown with control characters escaped.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The HTTP client could not be set up (e.g. its TLS backend failed to start).
    #[error("cannot set up an HTTP client for the node at {url}: {reason}")]
    Client {
        /// The node's URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The request could not be written as JSON.
    #[error("cannot encode the request to the node at {url}: {reason}")]
    Encode {
        /// The node's URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// No connection: refused, unknown host, or none within the connect timeout.
    #[error("cannot connect to the node at {url}: {reason}")]
    Connect {
        /// The node's URL.
        url: String,
        /// Why, in the system's words.
        reason: String,
    },
    /// The node did not start its answer within the request timeout.
    #[error("the node at {url} did not answer within {}", seconds(.after))]
    Timeout {
        /// The node's URL.
        url: String,
        /// The request timeout.
        after: Duration,
    },
    /// The node started its answer but did not finish it within the request timeout.
    #[error("the node at {url} did not finish its answer within {}", seconds(.after))]
    SlowAnswer {
        /// The node's URL.
        url: String,
        /// The request timeout.
        after: Duration,
    },
    /// The answer is longer than the cap; the rest was not read.
    #[error("the node at {url} sent more than {}; stopped reading", size(.limit))]
    TooLarge {
        /// The node's URL.
        url: String,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The node answered with an HTTP error status and no JSON-RPC error.
    #[error("the node at {url} answered HTTP {status}: {excerpt}")]
    Status {
        /// The node's URL.
        url: String,
        /// The HTTP status.
        status: StatusCode,
        /// The start of the answer, escaped.
        excerpt: String,
    },
    /// The answer is not a JSON-RPC response.
    #[error("the node at {url} answered something that is not JSON-RPC: {excerpt}")]
    NotJsonRpc {
        /// The node's URL.
        url: String,
        /// The start of the answer, escaped.
        excerpt: String,
    },
    /// The answer is a JSON-RPC response whose result does not have the shape the method's
    /// result has.
    #[error("the node at {url} answered {method} with a result of another shape: {reason}")]
    UnexpectedResult {
        /// The node's URL.
        url: String,
        /// The JSON-RPC method, e.g. `starknet_chainId`.
        method: String,
        /// What did not match, escaped.
        reason: String,
    },
    /// The answers to a batch of requests do not match the requests one to one.
    #[error("the node at {url} answered a batch of {sent} requests wrongly: {problem}")]
    Batch {
        /// The node's URL.
        url: String,
        /// How many requests the batch held.
        sent: usize,
        /// What is wrong.
        problem: String,
    },
    /// The exchange failed otherwise (e.g. the connection broke).
    #[error("the request to the node at {url} failed: {reason}")]
    Request {
        /// The node's URL.
        url: String,
        /// Why, in the system's words.
        reason: String,
    },
}

/// A JSON-RPC transport over HTTP with the limits of a [`TransportConfig`]. Clones share one
/// connection pool.
#[derive(Debug, Clone)]
pub struct RpcTransport {
    url: Url,
    config: TransportConfig,
    /// The HTTP client, or why it could not be set up (which every request then reports).
    http: Result<reqwest::Client, String>,
}

/// A JSON-RPC request as sent.
#[derive(Serialize)]
struct Request<P> {
    id: u64,
    jsonrpc: &'static str,
    method: JsonRpcMethod,
    params: P,
}

impl RpcTransport {
    /// A transport to the node at `url` (its JSON-RPC endpoint) with the limits of `config`.
    pub fn new(url: Url, config: TransportConfig) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|err| innermost_cause(&err));
        Self { url, config, http }
    }

    /// The node's URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The limits.
    pub fn config(&self) -> TransportConfig {
        self.config
    }

    /// Calls `method` (any method, e.g. devnet's own) with `params`.
    pub(crate) async fn call(&self, method: &str, params: Value) -> Result<JsonRpcResponse<Value>, TransportError> {
        #[derive(Serialize)]
        struct Named<'a> {
            id: u64,
            jsonrpc: &'static str,
            method: &'a str,
            params: Value,
        }
        let body = self.encode(&Named { id: 1, jsonrpc: "2.0", method, params })?;
        let (status, answer) = self.post(body).await?;
        self.read(method, status, &answer)
    }

    fn encode(&self, request: &impl Serialize) -> Result<Vec<u8>, TransportError> {
        serde_json::to_vec(request)
            .map_err(|err| TransportError::Encode { url: self.url.to_string(), reason: err.to_string() })
    }

    /// POSTs `body` and reads the answer, within the limits.
    async fn post(&self, body: Vec<u8>) -> Result<(StatusCode, Vec<u8>), TransportError> {
        let http = self
            .http
            .as_ref()
            .map_err(|reason| TransportError::Client { url: self.url.to_string(), reason: reason.clone() })?;
        let mut response = http
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|err| self.failed(err, false))?;
        let status = response.status();
        let limit = self.config.max_answer_bytes;
        let too_large = || TransportError::TooLarge { url: self.url.to_string(), limit };
        // A length announced past the cap fails at once; the length read is what counts, though.
        if response.content_length().is_some_and(|length| length > limit as u64) {
            return Err(too_large());
        }
        let mut answer = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| self.failed(err, true))? {
            if chunk.len() > limit - answer.len() {
                return Err(too_large());
            }
            answer.extend_from_slice(&chunk);
        }
        Ok((status, answer))
    }

    /// A reqwest failure in plain words; `reading` if the answer had started.
    fn failed(&self, err: reqwest::Error, reading: bool) -> TransportError {
        let url = self.url.to_string();
        let after = self.config.request_timeout;
        if err.is_timeout() {
            if err.is_connect() {
                let reason = format!("no connection within {}", seconds(&self.config.connect_timeout));
                TransportError::Connect { url, reason }
            } else if reading {
                TransportError::SlowAnswer { url, after }
            } else {
                TransportError::Timeout { url, after }
            }
        } else if err.is_connect() {
            TransportError::Connect { url, reason: innermost_cause(&err) }
        } else {
            TransportError::Request { url, reason: innermost_cause(&err) }
        }
    }

    /// Reads the answer to one request of `method`. A JSON-RPC error is passed on, with its message
    /// and data escaped, whatever the HTTP status; anything else under an error status is an error
    /// naming the status.
    fn read<R: DeserializeOwned>(
        &self,
        method: &str,
        status: StatusCode,
        answer: &[u8],
    ) -> Result<JsonRpcResponse<R>, TransportError> {
        let parsed = serde_json::from_slice::<JsonRpcResponse<R>>(answer);
        if !status.is_success() {
            return match parsed {
                Ok(JsonRpcResponse::Error { id, error }) => {
                    Ok(JsonRpcResponse::Error { id, error: clean_error(error) })
                }
                _ => Err(TransportError::Status { url: self.url.to_string(), status, excerpt: excerpt(answer) }),
            };
        }
        match parsed {
            Ok(response) => Ok(clean(response)),
            Err(_) => Err(self.unreadable::<R>(method, answer)),
        }
    }

    /// Why an answer to `method` could not be read: a JSON-RPC response with a result of another
    /// shape, or not JSON-RPC at all.
    fn unreadable<R: DeserializeOwned>(&self, method: &str, answer: &[u8]) -> TransportError {
        if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(answer) {
            if let Some(Err(err)) = object.get("result").map(R::deserialize) {
                return TransportError::UnexpectedResult {
                    url: self.url.to_string(),
                    method: method.to_string(),
                    reason: excerpt(err.to_string().as_bytes()),
                };
            }
        }
        TransportError::NotJsonRpc { url: self.url.to_string(), excerpt: excerpt(answer) }
    }

    fn batch_error(&self, sent: usize, problem: String) -> TransportError {
        TransportError::Batch { url: self.url.to_string(), sent, problem }
    }
}

#[async_trait]
impl JsonRpcTransport for RpcTransport {
    type Error = TransportError;

    async fn send_request<P, R>(&self, method: JsonRpcMethod, params: P) -> Result<JsonRpcResponse<R>, TransportError>
    where
        P: Serialize + Send + Sync,
        R: DeserializeOwned + Send,
    {
        let body = self.encode(&Request { id: 1, jsonrpc: "2.0", method, params })?;
        let (status, answer) = self.post(body).await?;
        self.read(&method_name(method), status, &answer)
    }

    async fn send_requests<R>(&self, requests: R) -> Result<Vec<JsonRpcResponse<Value>>, TransportError>
    where
        R: AsRef<[ProviderRequestData]> + Send + Sync,
    {
        let requests = requests.as_ref();
        let sent = requests.len();
        let batch: Vec<Request<&ProviderRequestData>> = (0u64..)
            .zip(requests)
            .map(|(id, params)| Request { id, jsonrpc: "2.0", method: method_of(params), params })
            .collect();
        let body = self.encode(&batch)?;
        let (status, answer) = self.post(body).await?;
        if !status.is_success() {
            return Err(TransportError::Status { url: self.url.to_string(), status, excerpt: excerpt(&answer) });
        }
        let answers = serde_json::from_slice::<Vec<JsonRpcResponse<Value>>>(&answer)
            .map_err(|_| TransportError::NotJsonRpc { url: self.url.to_string(), excerpt: excerpt(&answer) })?;
        // Nodes may answer a batch in any order: each answer goes to its request's place.
        let mut ordered: Vec<Option<JsonRpcResponse<Value>>> = (0..sent).map(|_| None).collect();
        for answer in answers {
            let (JsonRpcResponse::Success { id, .. } | JsonRpcResponse::Error { id, .. }) = &answer;
            let id = *id;
            let slot = usize::try_from(id)
                .ok()
                .and_then(|index| ordered.get_mut(index))
                .ok_or_else(|| self.batch_error(sent, format!("answer id {id} matches no request")))?;
            if slot.is_some() {
                return Err(self.batch_error(sent, format!("two answers have id {id}")));
            }
            *slot = Some(clean(answer));
        }
        (0..)
            .zip(ordered)
            .map(|(id, answer): (u64, _)| {
                answer.ok_or_else(|| self.batch_error(sent, format!("no answer has id {id}")))
            })
            .collect()
    }
}

/// The name a method has on the wire, e.g. `starknet_chainId`.
fn method_name(method: JsonRpcMethod) -> String {
    match serde_json::to_value(method) {
        Ok(Value::String(name)) => name,
        _ => format!("{method:?}"),
    }
}

/// The method of a request of a batch (starknet-rs keeps its own mapping private).
fn method_of(request: &ProviderRequestData) -> JsonRpcMethod {
    use JsonRpcMethod as M;
    use ProviderRequestData as D;
    match request {
        D::SpecVersion(_) => M::SpecVersion,
        D::GetBlockWithTxHashes(_) => M::GetBlockWithTxHashes,
        D::GetBlockWithTxs(_) => M::GetBlockWithTxs,
        D::GetBlockWithReceipts(_) => M::GetBlockWithReceipts,
        D::GetStateUpdate(_) => M::GetStateUpdate,
        D::GetStorageAt(_) => M::GetStorageAt,
        D::GetMessagesStatus(_) => M::GetMessagesStatus,
        D::GetTransactionStatus(_) => M::GetTransactionStatus,
        D::GetTransactionByHash(_) => M::GetTransactionByHash,
        D::GetTransactionByBlockIdAndIndex(_) => M::GetTransactionByBlockIdAndIndex,
        D::GetTransactionReceipt(_) => M::GetTransactionReceipt,
        D::GetClass(_) => M::GetClass,
        D::GetClassHashAt(_) => M::GetClassHashAt,
        D::GetClassAt(_) => M::GetClassAt,
        D::GetBlockTransactionCount(_) => M::GetBlockTransactionCount,
        D::Call(_) => M::Call,
        D::EstimateFee(_) => M::EstimateFee,
        D::EstimateMessageFee(_) => M::EstimateMessageFee,
        D::BlockNumber(_) => M::BlockNumber,
        D::BlockHashAndNumber(_) => M::BlockHashAndNumber,
        D::ChainId(_) => M::ChainId,
        D::Syncing(_) => M::Syncing,
        D::GetEvents(_) => M::GetEvents,
        D::GetNonce(_) => M::GetNonce,
        D::GetStorageProof(_) => M::GetStorageProof,
        D::AddInvokeTransaction(_) => M::AddInvokeTransaction,
        D::AddDeclareTransaction(_) => M::AddDeclareTransaction,
        D::AddDeployAccountTransaction(_) => M::AddDeployAccountTransaction,
        D::TraceTransaction(_) => M::TraceTransaction,
        D::SimulateTransactions(_) => M::SimulateTransactions,
        D::TraceBlockTransactions(_) => M::TraceBlockTransactions,
        D::SubscribeNewHeads(_) => M::SubscribeNewHeads,
        D::SubscribeEvents(_) => M::SubscribeEvents,
        D::SubscribeTransactionStatus(_) => M::SubscribeTransactionStatus,
        D::SubscribeNewTransactionReceipts(_) => M::SubscribeNewTransactionReceipts,
        D::SubscribeNewTransactions(_) => M::SubscribeNewTransactions,
        D::Unsubscribe(_) => M::Unsubscribe,
    }
}

/// `response` with a JSON-RPC error's text escaped.
fn clean<R>(response: JsonRpcResponse<R>) -> JsonRpcResponse<R> {
    match response {
        JsonRpcResponse::Error { id, error } => JsonRpcResponse::Error { id, error: clean_error(error) },
        success => success,
    }
}

/// `error` with control characters escaped in its message (one line) and in the strings and keys
/// of its data (whose newlines, as in revert traces, are kept).
fn clean_error(mut error: JsonRpcError) -> JsonRpcError {
    error.message = escape(&error.message, false);
    if let Some(data) = &mut error.data {
        clean_value(data);
    }
    error
}

fn clean_value(value: &mut Value) {
    match value {
        Value::String(text) => {
            if text.chars().any(|c| sk_session::is_hidden_char(c) && c != '\n') {
                *text = escape(text, true);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_value),
        Value::Object(object) => {
            *object = std::mem::take(object)
                .into_iter()
                .map(|(key, mut value)| {
                    clean_value(&mut value);
                    (escape(&key, false), value)
                })
                .collect();
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// `text` with the characters that act on a terminal escaped (`sk_session::escape`, the one
/// escaping of the workspace): with `keep_lines`, newlines stay as they are.
pub(crate) fn escape(text: &str, keep_lines: bool) -> String {
    if keep_lines {
        sk_session::escape_keeping_lines(text).into_owned()
    } else {
        sk_session::escape(text).into_owned()
    }
}

/// The first [`EXCERPT_CHARS`] characters of `answer` (invalid UTF-8 replaced), escaped, with `…`
/// if there is more.
pub(crate) fn excerpt(answer: &[u8]) -> String {
    // A character takes at most 4 bytes: this many bytes hold the excerpt and one more.
    let head = &answer[..answer.len().min(4 * (EXCERPT_CHARS + 1))];
    let text = String::from_utf8_lossy(head);
    if text.trim().is_empty() && answer.len() == head.len() {
        return "(an empty answer)".to_string();
    }
    let shown: String = text.chars().take(EXCERPT_CHARS).collect();
    let mut excerpt = escape(&shown, false);
    if head.len() < answer.len() || text.chars().count() > EXCERPT_CHARS {
        excerpt.push('…');
    }
    excerpt
}

/// The innermost cause of a reqwest error (e.g. "Connection refused (os error 111)"), escaped.
fn innermost_cause(err: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    escape(&cause.to_string(), false)
}

/// A duration in seconds, e.g. `60 s` or `0.5 s`.
fn seconds(duration: &Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// A size in bytes, in MiB or KiB when it is a whole number of them.
fn size(bytes: &usize) -> String {
    match *bytes {
        0 => "0 bytes".to_string(),
        bytes if bytes % MIB == 0 => format!("{} MiB", bytes / MIB),
        bytes if bytes % KIB == 0 => format!("{} KiB", bytes / KIB),
        bytes => format!("{bytes} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_and_bidi_characters() {
        assert_eq!(escape("\u{1b}[2Jdone\n", false), "\\u{1b}[2Jdone\\n");
        assert_eq!(escape("a\u{202e}b\u{7f}\u{9b}", false), "a\\u{202e}b\\u{7f}\\u{9b}");
        assert_eq!(escape("line\n\tnext\r\0", true), "line\n\\tnext\\r\\u{0}");
        assert_eq!(escape("plain é ✓ \"quoted\" \\", false), "plain é ✓ \"quoted\" \\");
    }

    #[test]
    fn excerpts_are_short_and_escaped() {
        assert_eq!(excerpt(b""), "(an empty answer)");
        assert_eq!(excerpt(b"<html>\x1b[31m"), "<html>\\u{1b}[31m");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(long.as_bytes()), format!("{}…", "x".repeat(EXCERPT_CHARS)));
        assert_eq!(excerpt("é".repeat(EXCERPT_CHARS).as_bytes()), "é".repeat(EXCERPT_CHARS));
        assert_eq!(excerpt(b"\xff\xfe"), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn sizes_and_durations_read_plainly() {
        assert_eq!(size(&(16 * MIB)), "16 MiB");
        assert_eq!(size(&(64 * KIB)), "64 KiB");
        assert_eq!(size(&1000), "1000 bytes");
        assert_eq!(seconds(&Duration::from_secs(60)), "60 s");
        assert_eq!(seconds(&Duration::from_millis(500)), "0.5 s");
    }

    #[test]
    fn json_rpc_errors_are_escaped_but_keep_their_lines() {
        let answer = br#"{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"\u001b[2Jok\nfake",
            "data":{"trace":"a\n\u001b[1mb","\u001b":["\u202e"]}}}"#;
        let transport = RpcTransport::new(Url::parse("http://127.0.0.1:1/").unwrap(), TransportConfig::default());
        let response = transport.read::<Value>("m", StatusCode::OK, answer).unwrap();
        let JsonRpcResponse::Error { error, .. } = response else { panic!("an error") };
        assert_eq!(error.message, "\\u{1b}[2Jok\\nfake");
        let data = error.data.unwrap();
        assert_eq!(data["trace"], "a\n\\u{1b}[1mb");
        assert_eq!(data["\\u{1b}"][0], "\\u{202e}");
    }

    #[test]
    fn answers_are_told_apart() {
        let url = Url::parse("http://127.0.0.1:1/rpc").unwrap();
        let transport = RpcTransport::new(url, TransportConfig::default());
        let read = |status, answer: &[u8]| transport.read::<u64>("starknet_blockNumber", status, answer);
        assert!(matches!(
            read(StatusCode::OK, br#"{"jsonrpc":"2.0","id":1,"result":7}"#),
            Ok(JsonRpcResponse::Success { result: 7, .. })
        ));
        let err = read(StatusCode::OK, br#"{"jsonrpc":"2.0","id":1,"result":"seven"}"#).unwrap_err();
        assert!(matches!(err, TransportError::UnexpectedResult { .. }), "{err}");
        let err = read(StatusCode::OK, b"<html>oops</html>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the node at http://127.0.0.1:1/rpc answered something that is not JSON-RPC: <html>oops</html>"
        );
        let err = read(StatusCode::BAD_GATEWAY, b"bad gateway").unwrap_err();
        assert_eq!(err.to_string(), "the node at http://127.0.0.1:1/rpc answered HTTP 502 Bad Gateway: bad gateway");
        // A JSON-RPC error under an error status is the node's error.
        let error = br#"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal"}}"#;
        assert!(matches!(read(StatusCode::INTERNAL_SERVER_ERROR, error), Ok(JsonRpcResponse::Error { .. })));
    }
}
