//! The owned thread pool: a fixed set of workers that wait passively (condition variable, no
//! spinning: on 2 shared cores a spinning pool collapses), a static partition of each job into
//! `tasks` pieces, the calling thread working too, and every worker joined when the pool drops.
//!
//! Determinism: a job is split into tasks by index; which thread runs a task never changes what the
//! task computes, so kernels that write disjoint outputs per task give identical results for any
//! thread count.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

type Job = &'static (dyn Fn(usize) + Sync);

struct State {
    /// Incremented for every job; workers run each generation once.
    generation: u64,
    job: Option<Job>,
    tasks: usize,
    shutdown: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    done: Condvar,
    next_task: AtomicUsize,
    /// Workers still busy with the current generation.
    busy: AtomicUsize,
    panicked: AtomicUsize,
}

pub struct Pool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    threads: usize,
    /// Serializes jobs from different callers (one job at a time per pool).
    submit: Mutex<()>,
}

impl Pool {
    /// A pool running jobs on `threads` threads in all: the caller plus `threads - 1` workers.
    pub fn new(threads: usize) -> Pool {
        let threads = threads.max(1);
        let shared = Arc::new(Shared {
            state: Mutex::new(State { generation: 0, job: None, tasks: 0, shutdown: false }),
            wake: Condvar::new(),
            done: Condvar::new(),
            next_task: AtomicUsize::new(0),
            busy: AtomicUsize::new(0),
            panicked: AtomicUsize::new(0),
        });
        let workers = (1..threads)
            .map(|i| {
                let s = Arc::clone(&shared);
                std::thread::Builder::new()
                    .name(format!("fanin-worker-{i}"))
                    .spawn(move || worker_loop(&s))
                    .expect("fanin: cannot spawn a pool worker")
            })
            .collect();
        Pool { shared, workers, threads, submit: Mutex::new(()) }
    }

    /// Threads that run a job (including the caller).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f(i)` for every `i` in `0..tasks`, spread over the workers and the calling thread, and
    /// returns when all have finished. A panic in any task is re-raised here after all tasks end.
    pub fn run<F: Fn(usize) + Sync>(&self, tasks: usize, f: F) {
        if tasks == 0 {
            return;
        }
        if self.threads == 1 || tasks == 1 {
            for i in 0..tasks {
                f(i);
            }
            return;
        }
        let _guard = self.submit.lock().unwrap_or_else(|e| e.into_inner());
        let f_ref: &(dyn Fn(usize) + Sync) = &f;
        // SAFETY: the job reference is only used until `busy` drops to zero, which this function
        // waits for before returning, so it never outlives `f`.
        let job: Job = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), Job>(f_ref) };
        let sh = &*self.shared;
        sh.next_task.store(0, Ordering::SeqCst);
        sh.panicked.store(0, Ordering::SeqCst);
        sh.busy.store(self.workers.len(), Ordering::SeqCst);
        {
            let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
            st.generation += 1;
            st.job = Some(job);
            st.tasks = tasks;
        }
        sh.wake.notify_all();
        run_tasks(sh, job, tasks);
        let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
        while sh.busy.load(Ordering::SeqCst) != 0 {
            st = sh.done.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.job = None;
        drop(st);
        if sh.panicked.load(Ordering::SeqCst) != 0 {
            panic!("fanin: a pool task panicked");
        }
    }
}

fn run_tasks(sh: &Shared, job: Job, tasks: usize) {
    loop {
        let i = sh.next_task.fetch_add(1, Ordering::SeqCst);
        if i >= tasks {
            break;
        }
        if catch_unwind(AssertUnwindSafe(|| job(i))).is_err() {
            sh.panicked.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn worker_loop(sh: &Shared) {
    let mut seen = 0u64;
    loop {
        let (job, tasks) = {
            let mut st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
            while !st.shutdown && st.generation == seen {
                st = sh.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            }
            if st.shutdown {
                return;
            }
            seen = st.generation;
            (st.job, st.tasks)
        };
        if let Some(job) = job {
            run_tasks(sh, job, tasks);
        }
        if sh.busy.fetch_sub(1, Ordering::SeqCst) == 1 {
            let _st = sh.state.lock().unwrap_or_else(|e| e.into_inner());
            sh.done.notify_all();
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        {
            let mut st = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            st.shutdown = true;
        }
        self.shared.wake.notify_all();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

/// Threads to use by default: `FANIN_THREADS` if set to a positive integer, else the available cores.
pub fn default_threads() -> usize {
    if let Ok(s) = std::env::var("FANIN_THREADS") {
        if let Ok(n) = s.trim().parse::<usize>() {
            if n >= 1 {
                return n.min(256);
            }
        }
    }
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn runs_every_task_once_for_any_thread_count() {
        for threads in 1..=4 {
            let pool = Pool::new(threads);
            for tasks in [0usize, 1, 2, 3, 17, 100] {
                let hits: Vec<AtomicU64> = (0..tasks).map(|_| AtomicU64::new(0)).collect();
                pool.run(tasks, |i| {
                    hits[i].fetch_add(1, Ordering::SeqCst);
                });
                assert!(hits.iter().all(|h| h.load(Ordering::SeqCst) == 1));
            }
        }
    }

    #[test]
    fn a_panicking_task_is_reported_and_the_pool_survives() {
        let pool = Pool::new(2);
        let r = catch_unwind(AssertUnwindSafe(|| pool.run(4, |i| assert!(i != 2))));
        assert!(r.is_err());
        let sum = AtomicU64::new(0);
        pool.run(10, |i| {
            sum.fetch_add(i as u64, Ordering::SeqCst);
        });
        assert_eq!(sum.load(Ordering::SeqCst), 45);
    }
}
