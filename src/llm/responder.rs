//! Answering a tick's calls: from the cassette, from the endpoints, or both ([`super::Mode`]).
//!
//! [`Models::answer`] takes the calls in the world's order and returns one reply per call in
//! the same order. Identical requests (same key) are one call. Calls that need an endpoint go
//! out on scoped threads, at most the profile's `concurrency` of them at once per profile; each
//! reply is stored at its call's index, and in `record` mode appended to the cassette as soon as
//! it arrives, so that a run killed midway keeps every reply it received. Recording, a call is
//! first claimed in the cassette ([`Cassette::try_claim`]), so that the runs of a sweep that
//! record into one cassette at once make each call once and use one reply. When a call fails
//! (after its retries) no new call is started, the calls in flight finish (and are recorded), and
//! the run stops with [`Stop::Failed`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::cassette::{Cassette, Claim, Reply};
use super::client::{CallError, Endpoint};
use super::{Call, LlmSetup, Mode, Profile};
use crate::syntax::InputError;

/// Why a run with model calls stopped before its end.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// Replay: these calls are not in the cassette.
    Missing {
        /// How many distinct calls of the tick are missing.
        count: usize,
        /// The cassette.
        cassette: PathBuf,
    },
    /// Record or live: a call failed for good.
    Failed {
        /// The profile.
        profile: String,
        /// The URL.
        url: String,
        /// The last error.
        error: CallError,
        /// Attempts made.
        attempts: u32,
        /// The cassette, in record mode, and the calls it holds.
        cassette: Option<(PathBuf, usize)>,
    },
    /// The run has model-backed workers but was given no models to answer them.
    NoModels,
    /// Record: the cassette could not be written.
    Io {
        /// The cassette.
        cassette: PathBuf,
        /// Why.
        error: String,
    },
    /// A metric of the finished run overflowed to ±∞: an error, never written as the `null` of
    /// an undefined ratio.
    Overflow {
        /// The metric.
        metric: String,
    },
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Missing { count, cassette } => write!(
                f,
                "{count} model call{} not in the cassette {}",
                if *count == 1 { " is" } else { "s are" },
                cassette.display()
            ),
            Stop::Failed {
                profile,
                url,
                error,
                attempts,
                cassette,
            } => {
                write!(
                    f,
                    "a call of profile `{profile}` to {url} failed after {attempts} attempt{}: {error}",
                    if *attempts == 1 { "" } else { "s" }
                )?;
                if let Some((path, n)) = cassette {
                    write!(
                        f,
                        "; the cassette {} is valid and holds the {n} calls recorded so far (record again to continue)",
                        path.display()
                    )?;
                }
                Ok(())
            }
            Stop::NoModels => f.write_str(
                "the scenario has model-backed workers, but the run was given no models",
            ),
            Stop::Io { cassette, error } => {
                write!(
                    f,
                    "the cassette {} cannot be written: {error}",
                    cassette.display()
                )
            }
            Stop::Overflow { metric } => write!(
                f,
                "the metric `{metric}` overflowed (beyond ±1.8e308); its sums exceed what a \
                 64-bit float holds, so the run reports nothing rather than a wrong number"
            ),
        }
    }
}

/// The models of one scenario in one mode: the cassette and an endpoint per profile.
#[derive(Debug)]
pub struct Models {
    mode: Mode,
    profiles: Vec<Profile>,
    endpoints: Vec<Endpoint>,
    cassette: Option<Arc<Cassette>>,
}

impl Models {
    /// Opens the models of `setup` in `mode`: loads (replay) or opens and locks (record) the
    /// cassette, and reads the API keys (record, live) from the environment.
    pub fn open(setup: &LlmSetup, mode: Mode) -> Result<Arc<Models>, InputError> {
        Models::open_shared(setup, mode, &mut BTreeMap::new())
    }

    /// Like [`Models::open`], sharing the cassettes already in `open` (by path) and adding the
    /// ones it opens, so that the runs of a sweep use one cassette (and one lock) per file.
    pub fn open_shared(
        setup: &LlmSetup,
        mode: Mode,
        open: &mut BTreeMap<PathBuf, Arc<Cassette>>,
    ) -> Result<Arc<Models>, InputError> {
        let cassette = match (mode, open.get(&setup.cassette)) {
            (Mode::Live, _) => None,
            (_, Some(c)) => Some(c.clone()),
            (Mode::Replay, None) => Some(Arc::new(Cassette::replay(&setup.cassette)?)),
            (Mode::Record, None) => Some(Arc::new(Cassette::record(&setup.cassette)?)),
        };
        if let Some(c) = &cassette {
            open.insert(setup.cassette.clone(), c.clone());
        }
        let mut endpoints = Vec::new();
        for p in &setup.profiles {
            let key = match (&p.api_key_env, mode) {
                (Some(var), Mode::Record | Mode::Live) => Some(std::env::var(var).map_err(|_| {
                    InputError::Flag {
                        flag: format!("--llm {}", mode.name()),
                        message: format!(
                            "profile `{}` reads its API key from the environment variable `{var}`, which is not set",
                            p.name
                        ),
                    }
                })?),
                _ => None,
            };
            endpoints.push(Endpoint::new(&p.base_url, key, p.timeout, p.retries));
        }
        Ok(Arc::new(Models {
            mode,
            profiles: setup.profiles.clone(),
            endpoints,
            cassette,
        }))
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The cassette, unless live.
    pub fn cassette(&self) -> Option<&Cassette> {
        self.cassette.as_deref()
    }

    /// The profiles.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// One reply per call, in the calls' order.
    pub fn answer(&self, calls: &[Call]) -> Result<Vec<Reply>, Stop> {
        // Distinct requests, in order of first appearance.
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut unique: Vec<(String, &Call)> = Vec::new();
        let slot: Vec<usize> = calls
            .iter()
            .map(|c| {
                let key = c.request.key();
                *index.entry(key.clone()).or_insert_with(|| {
                    unique.push((key, c));
                    unique.len() - 1
                })
            })
            .collect();
        let mut replies: Vec<Option<Reply>> = unique
            .iter()
            .map(|(k, _)| self.cassette.as_ref().and_then(|c| c.get(k)))
            .collect();
        let missing: Vec<usize> = (0..unique.len())
            .filter(|&i| replies[i].is_none())
            .collect();
        if !missing.is_empty() {
            if self.mode == Mode::Replay {
                return Err(Stop::Missing {
                    count: missing.len(),
                    cassette: self
                        .cassette
                        .as_ref()
                        .map(|c| c.path().to_path_buf())
                        .unwrap_or_default(),
                });
            }
            let asked: Vec<(&str, &Call)> = missing
                .iter()
                .map(|&i| (unique[i].0.as_str(), unique[i].1))
                .collect();
            for (i, r) in missing.iter().zip(self.fetch(&asked)?) {
                replies[*i] = Some(r);
            }
        }
        Ok(slot
            .into_iter()
            .map(|i| replies[i].clone().unwrap_or_else(empty_reply))
            .collect())
    }

    /// Replies to distinct `calls` (key, call) the cassette lacks, from the endpoints. Recording,
    /// each key is claimed in the cassette first, so that runs recording into one cassette at
    /// once make each call once: the calls this run claims are made (and their keys released if
    /// one fails); then, holding no key, it waits for the calls other runs were making, and makes
    /// any whose call failed there. Live, every call is made.
    fn fetch(&self, calls: &[(&str, &Call)]) -> Result<Vec<Reply>, Stop> {
        let Some(c) = self.cassette.as_ref().filter(|_| self.mode == Mode::Record) else {
            return self.dispatch(&calls.iter().map(|x| x.1).collect::<Vec<_>>());
        };
        let mut out: Vec<Option<Reply>> = vec![None; calls.len()];
        let (mut mine, mut busy) = (Vec::new(), Vec::new());
        for (i, (key, _)) in calls.iter().enumerate() {
            match c.try_claim(key) {
                Claim::Recorded(r) => out[i] = Some(r),
                Claim::Mine => mine.push(i),
                Claim::Busy => busy.push(i),
            }
        }
        let made = self.dispatch(&mine.iter().map(|&i| calls[i].1).collect::<Vec<_>>());
        if made.is_err() {
            for &i in &mine {
                c.release(calls[i].0);
            }
        }
        for (&i, r) in mine.iter().zip(made?) {
            out[i] = Some(r);
        }
        for i in busy {
            out[i] = Some(match c.claim(calls[i].0) {
                Some(r) => r,
                None => {
                    let made = self.dispatch(&[calls[i].1]);
                    if made.is_err() {
                        c.release(calls[i].0);
                    }
                    made?.remove(0)
                }
            });
        }
        Ok(out
            .into_iter()
            .map(|r| r.unwrap_or_else(empty_reply))
            .collect())
    }

    /// Sends `calls` to their endpoints, at most each profile's concurrency at once.
    fn dispatch(&self, calls: &[&Call]) -> Result<Vec<Reply>, Stop> {
        let results: Mutex<Vec<Option<Result<Reply, Stop>>>> = Mutex::new(vec![None; calls.len()]);
        let failed = AtomicBool::new(false);
        let mut by_profile: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
        for (i, c) in calls.iter().enumerate() {
            by_profile.entry(c.profile).or_default().push(i);
        }
        std::thread::scope(|s| {
            for (p, list) in &by_profile {
                let next = Arc::new(AtomicUsize::new(0));
                let bound = (self.profiles[*p as usize].concurrency as usize).clamp(1, list.len());
                for _ in 0..bound {
                    let next = next.clone();
                    let (results, failed) = (&results, &failed);
                    s.spawn(move || {
                        loop {
                            let j = next.fetch_add(1, Ordering::Relaxed);
                            if j >= list.len() || failed.load(Ordering::Relaxed) {
                                break;
                            }
                            let i = list[j];
                            let r = self.one(calls[i]);
                            if r.is_err() {
                                failed.store(true, Ordering::Relaxed);
                            }
                            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                        }
                    });
                }
            }
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::with_capacity(calls.len());
        for r in results {
            match r {
                Some(Ok(reply)) => out.push(reply),
                Some(Err(stop)) => return Err(self.with_count(stop)),
                None => {}
            }
        }
        // A call not made (after another failed) leaves `out` short; the failure was returned.
        Ok(out)
    }

    /// `stop` with the cassette's count of calls as it is now, after the calls that were in
    /// flight when a call failed have been recorded.
    fn with_count(&self, stop: Stop) -> Stop {
        match (stop, &self.cassette) {
            (
                Stop::Failed {
                    profile,
                    url,
                    error,
                    attempts,
                    cassette: Some((path, _)),
                },
                Some(c),
            ) => Stop::Failed {
                profile,
                url,
                error,
                attempts,
                cassette: Some((path, c.len())),
            },
            (other, _) => other,
        }
    }

    /// Makes one call and, recording, appends it to the cassette.
    fn one(&self, call: &Call) -> Result<Reply, Stop> {
        let p = call.profile as usize;
        let endpoint = &self.endpoints[p];
        let reply = endpoint
            .call(&call.request)
            .map_err(|(error, attempts)| Stop::Failed {
                profile: self.profiles[p].name.clone(),
                url: endpoint.url().to_string(),
                error,
                attempts,
                cassette: self
                    .cassette
                    .as_ref()
                    .map(|c| (c.path().to_path_buf(), c.len())),
            })?;
        if let Some(c) = &self.cassette {
            c.append(&call.request, &reply).map_err(|e| Stop::Io {
                cassette: c.path().to_path_buf(),
                error: e.to_string(),
            })?;
        }
        Ok(reply)
    }
}

fn empty_reply() -> Reply {
    Reply {
        text: String::new(),
        prompt_tokens: 0,
        completion_tokens: 0,
        latency_ms: 0.0,
        finish_reason: String::new(),
    }
}
