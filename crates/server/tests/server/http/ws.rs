//! `GET /ws/stream`: snapshot, throttled latest-state updates, slow clients, token, shutdown.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gammaflow_server::wire::{MessageKind, SCHEMA_VERSION, StreamMessage};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::{Harness, PATIENCE, Setup, desk_view};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(h: &Harness, query: &str) -> Client {
    let url = format!("ws://{}/ws/stream{query}", h.addr);
    let (client, _) = tokio::time::timeout(PATIENCE, connect_async(url))
        .await
        .unwrap()
        .unwrap();
    client
}

/// The next data message (pings and pongs skipped).
async fn next_message(client: &mut Client) -> StreamMessage {
    loop {
        let frame = tokio::time::timeout(PATIENCE, client.next())
            .await
            .expect("no message in time")
            .expect("stream ended")
            .expect("websocket error");
        match frame {
            Message::Text(text) => {
                let message: StreamMessage = serde_json::from_str(&text).unwrap();
                assert_eq!(message.schema, SCHEMA_VERSION);
                return message;
            }
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Reads until the Close frame and returns its code.
async fn close_code(client: &mut Client) -> CloseCode {
    loop {
        let frame = tokio::time::timeout(PATIENCE, client.next())
            .await
            .expect("no close in time")
            .expect("stream ended before a Close frame")
            .expect("websocket error");
        match frame {
            Message::Close(Some(frame)) => return frame.code,
            Message::Close(None) => panic!("Close frame without a code"),
            _ => {}
        }
    }
}

/// Polls `check` until it holds (no timing assertion: only "eventually").
async fn eventually(mut check: impl FnMut() -> bool) {
    tokio::time::timeout(PATIENCE, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("condition never held");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_first_then_updates() {
    let h = Harness::start(Setup::default()).await;
    let mut client = connect(&h, "").await;
    let first = next_message(&mut client).await;
    assert_eq!(first.kind, MessageKind::Snapshot);
    assert_eq!(first.desk, desk_view(1, 3));
    assert_eq!(h.metrics.ws_clients.load(Ordering::Relaxed), 1);

    h.publish(desk_view(2, 3));
    let second = next_message(&mut client).await;
    assert_eq!(second.kind, MessageKind::Update);
    assert_eq!(second.desk.seq, 2);
    h.publish(desk_view(3, 4));
    let third = next_message(&mut client).await;
    assert_eq!((third.kind, third.desk.seq), (MessageKind::Update, 3));
    assert_eq!(third.desk.products[0].strikes.len(), 4);

    // Text from the client is ignored; pings are answered.
    client.send(Message::text("hello")).await.unwrap();
    client
        .send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    let pong = tokio::time::timeout(PATIENCE, async {
        loop {
            match client.next().await {
                Some(Ok(Message::Pong(payload))) => return payload,
                Some(Ok(_)) => {}
                other => panic!("no pong: {other:?}"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(&pong[..], b"are you there");
    assert!(h.metrics.ws_messages.load(Ordering::Relaxed) >= 3);

    // A client that closes is counted out.
    client.close(None).await.unwrap();
    eventually(|| h.metrics.ws_clients.load(Ordering::Relaxed) == 0).await;
    // A client that just vanishes too.
    let vanishing = connect(&h, "").await;
    eventually(|| h.metrics.ws_clients.load(Ordering::Relaxed) == 1).await;
    drop(vanishing);
    eventually(|| h.metrics.ws_clients.load(Ordering::Relaxed) == 0).await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_updates_carry_the_latest_state() {
    let h = Harness::start(Setup {
        throttle_ms: Some(300),
        ..Setup::default()
    })
    .await;
    let mut client = connect(&h, "").await;
    assert_eq!(next_message(&mut client).await.desk.seq, 1);
    for seq in 2..=51 {
        h.publish(desk_view(seq, 3));
    }
    let mut received = 0;
    loop {
        let message = next_message(&mut client).await;
        assert_eq!(message.kind, MessageKind::Update);
        received += 1;
        if message.desk.seq == 51 {
            break;
        }
    }
    assert!(received < 25, "{received} messages for 50 states");
    let skipped = h.metrics.ws_skipped_states.load(Ordering::Relaxed);
    assert_eq!(
        skipped,
        50 - received,
        "skipped states counted by seq difference"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_blocks_neither_the_desk_nor_others() {
    let h = Harness::start(Setup {
        throttle_ms: Some(100),
        ..Setup::default()
    })
    .await;
    // Never reads: its socket buffers fill up with ~1 MB states.
    let slow = connect(&h, "").await;
    let mut fast = connect(&h, "").await;
    assert_eq!(next_message(&mut fast).await.desk.seq, 1);
    let last = 40;
    for seq in 2..=last {
        h.publish(desk_view(seq, 1500));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut seen = 0;
    while seen != last {
        seen = next_message(&mut fast).await.desk.seq;
    }
    // The REST side still answers, with the latest state.
    assert_eq!(h.get_json("/api/window", 200).await["seq"], last);
    assert_eq!(h.metrics.ws_clients.load(Ordering::Relaxed), 2);
    drop(slow);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_needs_the_token_in_the_query() {
    let h = Harness::start(Setup {
        token: Some("s3cret"),
        ..Setup::default()
    })
    .await;
    let url = format!("ws://{}/ws/stream", h.addr);
    match connect_async(url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401);
        }
        other => panic!("expected 401, got {other:?}"),
    }
    let mut client = connect(&h, "?token=s3cret").await;
    assert_eq!(next_message(&mut client).await.kind, MessageKind::Snapshot);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_clients_and_serve_returns() {
    let h = Harness::start(Setup::default()).await;
    let mut a = connect(&h, "").await;
    let mut b = connect(&h, "").await;
    next_message(&mut a).await;
    next_message(&mut b).await;
    let server = h.stop();
    let (code_a, code_b, ()) = tokio::join!(close_code(&mut a), close_code(&mut b), server);
    assert_eq!(code_a, CloseCode::Away);
    assert_eq!(code_b, CloseCode::Away);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_shutdown_flag_also_stops_everything() {
    let h = Harness::start(Setup::default()).await;
    let mut client = connect(&h, "").await;
    next_message(&mut client).await;
    h.shutdown.send_replace(true);
    assert_eq!(close_code(&mut client).await, CloseCode::Away);
    let metrics = std::sync::Arc::clone(&h.metrics);
    let result = tokio::time::timeout(PATIENCE, h.server).await;
    assert!(matches!(result, Ok(Ok(Ok(())))), "{result:?}");
    assert_eq!(metrics.ws_clients.load(Ordering::Relaxed), 0);
}
