use clap::Parser;

fn main() {
    tune_allocator();
    quiet_broken_pipe();
    let cli = derail::cli::Cli::parse();
    if let Err(e) = derail::cli::run(cli) {
        eprintln!("derail: error: {e:#}");
        std::process::exit(1);
    }
}

/// Large column chunks are allocated and freed by several threads while a file loads.
/// glibc's dynamic mmap threshold then serves them from its arenas and keeps the freed
/// space, so peak memory grows well past what the dataset needs. A fixed 1 MiB threshold
/// sends big blocks to mmap, which gives them back to the system when freed.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before any thread
    // starts, with a documented parameter and a valid value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// `derail inspect FILE | head` closes the pipe early: end quietly, as a Unix tool does,
/// instead of panicking in `println!` with "failed printing to stdout: Broken pipe".
fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
