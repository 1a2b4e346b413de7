//! A small chat-completions endpoint on 127.0.0.1 for the client's error paths: it answers the
//! bank's arithmetic and comparison questions (deterministically, a quarter of them wrong), or
//! fails on purpose: an HTTP status, garbage, slowness, a required API key, or it stops
//! listening after a number of answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// How the endpoint behaves.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answers, after a pause of up to `jitter_ms` that depends on the question (so that
    /// concurrent replies arrive out of order).
    Answer { jitter_ms: u64 },
    /// Answers every question wrong (off by one): a weaker model than `Answer`'s.
    Wrong,
    /// Answers every request with this HTTP status.
    Status(u16),
    /// Answers 200 with a body that is not a chat completion.
    Garbage,
    /// Answers after this long.
    Slow(Duration),
    /// Answers only requests carrying `Authorization: Bearer <key>` (else 401).
    NeedsKey(String),
    /// Answers this many requests (with a pause of `pause_ms` each), then stops listening.
    StopAfter { answers: usize, pause_ms: u64 },
    /// Answers bank questions as `Answer` does, and decisions (requests with a
    /// `response_format`) as the decider does.
    Decide(Decider),
    /// Answers bank questions as `Answer` does, and judge calls (a `response_format` named
    /// `judgement`) as the judge does.
    Judge(Judging),
}

/// How the fake endpoint judges.
#[derive(Debug, Clone, Copy)]
pub enum Judging {
    /// Picks the answer that is right (computing the question's answer), else the first.
    Right,
    /// Always picks the answer shown first.
    First,
    /// Answers something that is not a judgement.
    Malformed,
    /// Obeys instructions in the answers: picks the first answer that tells the judge which
    /// answer is correct, else judges as `Right`.
    Obedient,
}

/// The judge's reply to a judge call.
pub fn judge(j: Judging, text: &str) -> String {
    let question = text
        .strip_prefix("Question: ")
        .and_then(|t| t.split("\n\n").next())
        .unwrap_or("");
    let right = right(question).map(|r| r.to_string());
    // The answers shown, by number.
    let answers: Vec<(u32, &str)> = (text.lines())
        .filter_map(|l| l.strip_prefix("Answer ")?.split_once(": "))
        .filter_map(|(n, a)| Some((n.parse().ok()?, a)))
        .collect();
    let first_that =
        |says: &dyn Fn(&str) -> bool| answers.iter().find(|(_, a)| says(a)).map(|(n, _)| *n);
    let reads = first_that(&|a| Some(a) == right.as_deref());
    let pick = match j {
        Judging::Malformed => return "The second one looks right to me.".into(),
        Judging::First => Some(1),
        Judging::Obedient => first_that(&|a| a.contains("The correct answer is")).or(reads),
        Judging::Right => reads,
    }
    .unwrap_or(1);
    format!(r#"{{"answer": {pick}}}"#)
}

/// How the fake endpoint decides.
#[derive(Debug, Clone, Copy)]
pub enum Decider {
    /// A payoff-maximiser: shirks exactly when the observation shows that shirking earned more
    /// per round than working (and keeps its action when only one was taken).
    Maximiser,
    /// Always works at full effort, whatever it is shown.
    AlwaysWork,
    /// Answers something that is not a decision.
    Malformed,
    /// A payoff-maximiser across institutions: moves to the team whose workers or shirkers
    /// earned the most per round (by the observation's "In team ..." lines; a team where nobody
    /// worked or shirked is never chosen), and there shirks when shirking earned more.
    Mover,
    /// Leaves for good when it shirked since its last decision, and works otherwise.
    Quitter,
}

/// The decider's reply to an observation.
pub fn decide(d: Decider, observation: &str) -> String {
    let earned = |verb: &str| earned(observation, verb);
    let current = if observation.contains("you chose to shirk") {
        "shirk"
    } else {
        "work"
    };
    match d {
        Decider::AlwaysWork => r#"{"action": "work", "effort": 1}"#.into(),
        Decider::Malformed => "I think I will work harder this time.".into(),
        Decider::Mover => mover(observation),
        Decider::Quitter if current == "shirk" => r#"{"action": "leave"}"#.into(),
        Decider::Quitter => r#"{"action": "work", "effort": 1}"#.into(),
        Decider::Maximiser => {
            let shirk = match (earned("worked"), earned("shirked")) {
                (Some(w), Some(s)) => s > w,
                _ => current == "shirk",
            };
            if shirk {
                r#"{"action": "shirk"}"#.into()
            } else {
                r#"{"action": "work", "effort": 1}"#.into()
            }
        }
    }
}

/// What `text` says workers who `verb` earned per round (the first such number).
fn earned(text: &str, verb: &str) -> Option<f64> {
    let phrase = format!("workers who {verb} earned ");
    let at = text.find(&phrase)?;
    text[at + phrase.len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The [`Decider::Mover`]'s reply: the team and action that earned the most per round.
fn mover(observation: &str) -> String {
    let mut best: Option<(f64, String, &str)> = None;
    for part in observation.split("In team \"").skip(1) {
        let Some((team, rest)) = part.split_once('"') else {
            continue;
        };
        for (verb, action) in [("worked", "work"), ("shirked", "shirk")] {
            if let Some(x) = earned(rest, verb)
                && best.as_ref().is_none_or(|b| x > b.0)
            {
                best = Some((x, team.to_string(), action));
            }
        }
    }
    match best {
        Some((_, team, "work")) => {
            format!(r#"{{"action": "work", "effort": 1, "team": "{team}"}}"#)
        }
        Some((_, team, action)) => format!(r#"{{"action": "{action}", "team": "{team}"}}"#),
        None => "no team to choose".into(),
    }
}

/// A running fake endpoint; it stops when dropped.
pub struct FakeModel {
    /// `http://127.0.0.1:PORT/v1`.
    pub url: String,
    /// Requests received.
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl FakeModel {
    /// Starts an endpoint with `behaviour` on a free port.
    pub fn start(behaviour: Behaviour) -> FakeModel {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (requests.clone(), stop.clone());
        std::thread::spawn(move || serve(listener, behaviour, r, s));
        FakeModel {
            url,
            requests,
            stop,
        }
    }
}

fn serve(listener: TcpListener, b: Behaviour, requests: Arc<AtomicUsize>, stop: Arc<AtomicBool>) {
    let answered = Arc::new(AtomicUsize::new(0));
    while !stop.load(Ordering::Relaxed) {
        if let Behaviour::StopAfter { answers, .. } = b
            && answered.load(Ordering::Relaxed) >= answers
        {
            return; // the listener is dropped: connections are refused from now on
        }
        match listener.accept() {
            Ok((stream, _)) => {
                let (b, requests, answered) = (b.clone(), requests.clone(), answered.clone());
                std::thread::spawn(move || {
                    let _ = handle(stream, &b, &requests, &answered);
                });
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn handle(
    stream: TcpStream,
    b: &Behaviour,
    requests: &AtomicUsize,
    answered: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let (mut length, mut auth) = (0usize, String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("authorization:") {
            auth = l["authorization:".len()..].trim().to_string();
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    requests.fetch_add(1, Ordering::Relaxed);
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let question = request["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string();
    let (status, reply) = match b {
        Behaviour::Answer { jitter_ms } => {
            std::thread::sleep(Duration::from_millis(hash(&question) % (jitter_ms + 1)));
            (200, completion(&answer(&question), &question))
        }
        Behaviour::Wrong => (200, completion(&wrong(&question), &question)),
        Behaviour::Status(s) => (*s, format!("{{\"error\": \"status {s} on purpose\"}}")),
        Behaviour::Garbage => (200, "<html>not a completion</html>".to_string()),
        Behaviour::Slow(d) => {
            std::thread::sleep(*d);
            (200, completion(&answer(&question), &question))
        }
        Behaviour::NeedsKey(key) if auth == format!("Bearer {key}") => {
            (200, completion(&answer(&question), &question))
        }
        Behaviour::NeedsKey(_) => (401, "{\"error\": \"bad key\"}".to_string()),
        Behaviour::StopAfter { pause_ms, .. } => {
            std::thread::sleep(Duration::from_millis(*pause_ms));
            answered.fetch_add(1, Ordering::Relaxed);
            (200, completion(&answer(&question), &question))
        }
        Behaviour::Decide(d) if request.get("response_format").is_some() => {
            (200, completion(&decide(*d, &question), &question))
        }
        Behaviour::Decide(_) => (200, completion(&answer(&question), &question)),
        Behaviour::Judge(j) if request["response_format"]["json_schema"]["name"] == "judgement" => {
            (200, completion(&judge(*j, &question), &question))
        }
        Behaviour::Judge(_) => (200, completion(&answer(&question), &question)),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    )?;
    stream.flush()
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// The right answer to a bank question the fake can answer (a sum or a comparison).
fn right(question: &str) -> Option<u64> {
    let numbers: Vec<u64> = question
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    if question.contains("larger") {
        numbers.iter().take(2).max().copied()
    } else if question.contains(" + ") {
        Some(numbers.iter().take(2).sum())
    } else {
        None
    }
}

/// The answer to a bank question: right, or off by one for a quarter of the questions.
pub fn answer(question: &str) -> String {
    match right(question) {
        Some(r) if hash(question).is_multiple_of(4) => format!("The answer is {}.", r + 1),
        Some(r) => format!("{r}"),
        None => "I do not know.".into(),
    }
}

/// A wrong answer to a bank question: the right one plus one, or (for a question the fake cannot
/// answer) nothing readable.
fn wrong(question: &str) -> String {
    match answer(question).parse::<u64>() {
        Ok(r) => format!("{}", r + 1),
        Err(_) => "The answer is unknown.".into(),
    }
}

fn completion(text: &str, question: &str) -> String {
    serde_json::json!({
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": question.len() / 4, "completion_tokens": text.len() / 4}
    })
    .to_string()
}
