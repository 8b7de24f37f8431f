//! The fake's WebSocket side.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::{WebSocketStream, accept_hdr_async};

use super::{Received, State, status_frame};

/// Accepts connections forever.
pub(super) async fn serve(listener: TcpListener, state: Arc<State>) {
    let counter = Arc::new(AtomicUsize::new(0));
    // Topics whose frames were already sent (for `replay_on_resubscribe == false`).
    let sent = Arc::new(std::sync::Mutex::new(HashSet::<String>::new()));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = Arc::clone(&state);
        let counter = Arc::clone(&counter);
        let sent = Arc::clone(&sent);
        tokio::spawn(async move {
            let _ = connection(stream, state, counter, sent).await;
        });
    }
}

/// Why a connection handler stopped.
type Stop = ();

/// Serves one connection.
// The handshake callback's error type is tungstenite's (a whole HTTP response), not ours.
#[allow(clippy::result_large_err)]
async fn connection(
    stream: TcpStream,
    state: Arc<State>,
    counter: Arc<AtomicUsize>,
    sent: Arc<std::sync::Mutex<HashSet<String>>>,
) -> Result<(), Stop> {
    let mut path = String::new();
    let callback = |request: &Request, response: Response| {
        path = request.uri().path().to_owned();
        Ok(response)
    };
    let mut ws = accept_hdr_async(stream, callback).await.map_err(drop)?;
    let id = counter.fetch_add(1, Ordering::SeqCst);
    state.record(|log| log.connections.push(path.clone()));
    let mut push = state.push.subscribe();
    send(&mut ws, status_frame("connected", "Connected Successfully")).await?;
    let config = &state.config;
    let faulty = id < config.faulty_connections.max(1);
    let mut data_frames = 0usize;
    let mut authenticated = false;
    loop {
        let mut outgoing: Vec<String> = Vec::new();
        tokio::select! {
            message = ws.next() => {
                let text = match message {
                    Some(Ok(Message::Text(text))) => text.as_str().to_owned(),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(_)) => continue,
                };
                state.record(|log| log.received.push(Received {
                    connection: id,
                    path: path.clone(),
                    text: text.clone(),
                }));
                let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let action = parsed.get("action").and_then(|a| a.as_str()).unwrap_or("");
                let params = parsed.get("params").and_then(|p| p.as_str()).unwrap_or("");
                match (action, authenticated) {
                    ("auth", _) if params == config.api_key => {
                        authenticated = true;
                        send(&mut ws, status_frame("auth_success", "authenticated")).await?;
                    }
                    ("auth", _) => {
                        send(&mut ws, status_frame("auth_failed", "authentication failed")).await?;
                        let _ = ws.close(None).await;
                        return Ok(());
                    }
                    (_, false) => {
                        send(&mut ws, status_frame("error", "not authorized")).await?;
                    }
                    ("subscribe", true) => {
                        for topic in params.split(',').filter(|t| !t.is_empty()) {
                            let ack = format!("subscribed to: {topic}");
                            send(&mut ws, status_frame("success", &ack)).await?;
                            let first = sent
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .insert(topic.to_owned());
                            if first || config.replay_on_resubscribe {
                                outgoing.extend(config.topic_frames.get(topic).cloned().unwrap_or_default());
                            }
                        }
                    }
                    ("unsubscribe", true) => {
                        for topic in params.split(',').filter(|t| !t.is_empty()) {
                            let ack = format!("unsubscribed to: {topic}");
                            send(&mut ws, status_frame("success", &ack)).await?;
                        }
                    }
                    _ => {
                        send(&mut ws, status_frame("error", "unknown action")).await?;
                    }
                }
            }
            frame = push.recv() => {
                match frame {
                    Ok(frame) => outgoing.push(frame),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(()),
                }
            }
        }
        for frame in outgoing {
            if faulty && config.drop_after_frames.is_some_and(|n| data_frames >= n) {
                if config.stall_instead_of_drop {
                    // Neither read nor write: the client's heartbeat must notice.
                    std::future::pending::<()>().await;
                }
                return Ok(());
            }
            send(&mut ws, frame).await?;
            data_frames += 1;
        }
    }
}

/// Sends one text frame.
async fn send(ws: &mut WebSocketStream<TcpStream>, text: String) -> Result<(), Stop> {
    ws.send(Message::Text(text.into())).await.map_err(drop)
}
