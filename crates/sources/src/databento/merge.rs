//! A stable k-way merge of event streams by `ts_recv`.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

use gammaflow_model::event::Event;

use crate::SourcesError;

/// The next event of one input, keyed for the heap.
#[derive(Debug)]
struct Head {
    ts_recv: u64,
    input: usize,
    event: Event,
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    /// By `ts_recv`, then by input position (earlier inputs first on ties).
    fn cmp(&self, other: &Self) -> Ordering {
        (self.ts_recv, self.input).cmp(&(other.ts_recv, other.input))
    }
}

/// Merges event streams into one ordered by `ts_recv`, holding one event per input.
///
/// Stable: events with equal `ts_recv` come in the order of the inputs, and each input's own
/// order is kept (an input that is not sorted by `ts_recv` is merged as it comes). An error from
/// an input is passed on right after the event read before it; that input then ends (as a
/// [`super::FileEvents`] does after an error) and the other inputs go on.
///
/// ```
/// use gammaflow_model::event::{Event, IndexValue, Instrument};
/// use gammaflow_model::{Price, Underlying, UnixNanos};
/// use gammaflow_sources::databento::Merge;
/// let v = |t: u64| Ok(Event::Index(IndexValue {
///     ts_event: UnixNanos(t), ts_recv: UnixNanos(t),
///     instrument: Instrument::from(Underlying::SPX), value: Price::from_raw(t as i64),
/// }));
/// let merged: Vec<u64> = Merge::new(vec![vec![v(1), v(4)].into_iter(), vec![v(2), v(3)].into_iter()])
///     .map(|e| e.unwrap().ts_recv().0)
///     .collect();
/// assert_eq!(merged, [1, 2, 3, 4]);
/// ```
#[derive(Debug)]
pub struct Merge<I> {
    inputs: Vec<Option<I>>,
    heap: BinaryHeap<Reverse<Head>>,
    errors: VecDeque<SourcesError>,
    started: bool,
}

impl<I> Merge<I>
where
    I: Iterator<Item = Result<Event, SourcesError>>,
{
    /// A merge of `inputs` (their order breaks ties).
    pub fn new(inputs: Vec<I>) -> Self {
        let heap = BinaryHeap::with_capacity(inputs.len());
        Self {
            inputs: inputs.into_iter().map(Some).collect(),
            heap,
            errors: VecDeque::new(),
            started: false,
        }
    }

    /// The inputs still open (for statistics).
    pub fn inputs(&self) -> impl Iterator<Item = &I> {
        self.inputs.iter().flatten()
    }

    /// Pulls the next event of input `i` into the heap; an error is returned instead.
    fn refill(&mut self, i: usize) -> Result<(), SourcesError> {
        let Some(input) = self.inputs.get_mut(i).and_then(Option::as_mut) else {
            return Ok(());
        };
        match input.next() {
            Some(Ok(event)) => {
                self.heap.push(Reverse(Head {
                    ts_recv: event.ts_recv().0,
                    input: i,
                    event,
                }));
                Ok(())
            }
            Some(Err(e)) => {
                self.inputs[i] = None;
                Err(e)
            }
            None => {
                self.inputs[i] = None;
                Ok(())
            }
        }
    }
}

impl<I> Iterator for Merge<I>
where
    I: Iterator<Item = Result<Event, SourcesError>>,
{
    type Item = Result<Event, SourcesError>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.started {
            self.started = true;
            for i in 0..self.inputs.len() {
                if let Err(e) = self.refill(i) {
                    self.errors.push_back(e);
                }
            }
        }
        if let Some(e) = self.errors.pop_front() {
            return Some(Err(e));
        }
        let Reverse(head) = self.heap.pop()?;
        if let Err(e) = self.refill(head.input) {
            // The event first, the error on the next call.
            self.errors.push_back(e);
        }
        Some(Ok(head.event))
    }
}
