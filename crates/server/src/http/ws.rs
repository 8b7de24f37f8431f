//! `GET /ws/stream`: the desk state over a WebSocket, latest state only.
//!
//! Each client has its own task. On connect it sends a `snapshot`; then it waits for the desk to
//! publish, sleeps until `throttle_ms` have passed since its previous message, and sends the
//! **latest** state as an `update`. States published in between are skipped (counted in
//! `ws_skipped_states_total`), so a slow client never builds a backlog, and the desk's `watch`
//! channel never waits for anyone. A client that accepts no data for [`SEND_TIMEOUT`] is
//! dropped. Text and binary messages from clients are ignored; pings are answered by the
//! protocol layer; a Close frame or an error ends the connection. When the server stops, every
//! client receives a Close frame (1001, going away).

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tokio::time::{Instant, sleep_until, timeout};

use super::Shared;
use crate::metrics::{Metrics, inc};
use crate::wire::{DeskView, MessageKind, SCHEMA_VERSION};

/// A client that accepts no data for this long is disconnected.
pub(crate) const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the Close frame may take on shutdown.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Upgrades the connection and runs the client's task.
pub(crate) async fn stream(State(shared): State<Shared>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| client(shared, socket))
}

/// Counts a connected client in `ws_clients` and in the server's task count, on every exit path.
struct ClientGuard {
    metrics: Arc<Metrics>,
    tasks: Arc<tokio::sync::watch::Sender<usize>>,
}

impl ClientGuard {
    fn new(shared: &Shared) -> Self {
        inc(&shared.app.metrics.ws_clients);
        shared.ws_tasks.send_modify(|n| *n += 1);
        Self {
            metrics: Arc::clone(&shared.app.metrics),
            tasks: Arc::clone(&shared.ws_tasks),
        }
    }
}

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.metrics
            .ws_clients
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        self.tasks.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// What became of a send.
enum Sent {
    /// The message went out.
    Ok,
    /// The client left, failed or stalled.
    Gone,
    /// The server is stopping.
    Stop,
}

async fn client(shared: Shared, socket: WebSocket) {
    let _guard = ClientGuard::new(&shared);
    let throttle = Duration::from_millis(shared.app.http.throttle_ms);
    let (mut sink, mut incoming) = socket.split();
    // Completes when the client closes or the connection fails; answers pings meanwhile.
    let mut gone = pin!(async move {
        while let Some(message) = incoming.next().await {
            match message {
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    });
    let mut stop = pin!(shared.stopping());
    let mut desk = shared.app.desk.clone();

    let mut last = Arc::clone(&desk.borrow_and_update());
    let Some(text) = message_text(MessageKind::Snapshot, &last) else {
        return;
    };
    let mut last_sent = Instant::now();
    match send(&mut sink, text, &mut gone, &mut stop).await {
        Sent::Ok => inc(&shared.app.metrics.ws_messages),
        Sent::Gone => return,
        Sent::Stop => return close(&mut sink).await,
    }
    let mut desk_alive = true;
    loop {
        tokio::select! {
            biased;
            () = &mut stop => return close(&mut sink).await,
            () = &mut gone => return,
            changed = desk.changed(), if desk_alive => {
                // The desk is gone: keep the last state, wait for the client or shutdown.
                desk_alive = changed.is_ok();
                if !desk_alive {
                    continue;
                }
            }
        }
        tokio::select! {
            biased;
            () = &mut stop => return close(&mut sink).await,
            () = &mut gone => return,
            () = sleep_until(last_sent + throttle) => {}
        }
        let latest = Arc::clone(&desk.borrow_and_update());
        if Arc::ptr_eq(&latest, &last) {
            continue;
        }
        let skipped = latest.seq.saturating_sub(last.seq).saturating_sub(1);
        let Some(text) = shared.update_text(&latest) else {
            continue;
        };
        last_sent = Instant::now();
        match send(&mut sink, text, &mut gone, &mut stop).await {
            Sent::Ok => {
                inc(&shared.app.metrics.ws_messages);
                shared
                    .app
                    .metrics
                    .ws_skipped_states
                    .fetch_add(skipped, std::sync::atomic::Ordering::Relaxed);
                last = latest;
            }
            Sent::Gone => return,
            Sent::Stop => return close(&mut sink).await,
        }
    }
}

/// Sends `text` unless the client leaves, stalls for [`SEND_TIMEOUT`] or the server stops first.
async fn send<S>(
    sink: &mut S,
    text: Utf8Bytes,
    gone: &mut (impl Future<Output = ()> + Unpin),
    stop: &mut (impl Future<Output = ()> + Unpin),
) -> Sent
where
    S: futures_util::Sink<Message> + Unpin,
{
    tokio::select! {
        biased;
        () = stop => Sent::Stop,
        () = gone => Sent::Gone,
        sent = timeout(SEND_TIMEOUT, sink.send(Message::Text(text))) => match sent {
            Ok(Ok(())) => Sent::Ok,
            Ok(Err(_)) | Err(_) => Sent::Gone,
        },
    }
}

/// Says goodbye: a Close frame (going away), given [`CLOSE_TIMEOUT`].
async fn close<S>(sink: &mut S)
where
    S: futures_util::Sink<Message> + Unpin,
{
    let frame = CloseFrame {
        code: close_code::AWAY,
        reason: Utf8Bytes::from_static("server shutting down"),
    };
    let _ = timeout(CLOSE_TIMEOUT, async {
        let _ = sink.send(Message::Close(Some(frame))).await;
        let _ = sink.close().await;
    })
    .await;
}

/// One message as JSON text.
pub(crate) fn message_text(kind: MessageKind, desk: &DeskView) -> Option<Utf8Bytes> {
    let message = StreamMessageRef {
        schema: SCHEMA_VERSION,
        kind,
        desk,
    };
    match serde_json::to_string(&message) {
        Ok(text) => Some(Utf8Bytes::from(text)),
        Err(error) => {
            tracing::error!(%error, seq = desk.seq, "cannot serialise the desk state");
            None
        }
    }
}

/// [`StreamMessage`](crate::wire::StreamMessage) borrowing its desk, so serialising needs no clone.
#[derive(serde::Serialize)]
struct StreamMessageRef<'a> {
    schema: u32,
    kind: MessageKind,
    desk: &'a DeskView,
}

impl Shared {
    /// The `update` message of `desk`, serialised once for all clients.
    fn update_text(&self, desk: &Arc<DeskView>) -> Option<Utf8Bytes> {
        let mut cache = self
            .update_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((cached, text)) = cache.as_ref()
            && Arc::ptr_eq(cached, desk)
        {
            return Some(text.clone());
        }
        let text = message_text(MessageKind::Update, desk)?;
        *cache = Some((Arc::clone(desk), text.clone()));
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::StreamMessage;

    #[test]
    fn borrowed_message_serialises_like_the_schema_type() {
        let desk = DeskView {
            seq: 7,
            ..DeskView::default()
        };
        let text = message_text(MessageKind::Update, &desk).map(|t| t.as_str().to_owned());
        let owned = serde_json::to_string(&StreamMessage {
            schema: SCHEMA_VERSION,
            kind: MessageKind::Update,
            desk,
        })
        .ok();
        assert!(text.is_some());
        assert_eq!(text, owned);
    }
}
