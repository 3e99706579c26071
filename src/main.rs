use clap::Parser;

fn main() {
    let cli = derail::cli::Cli::parse();
    if let Err(e) = derail::cli::run(cli) {
        eprintln!("derail: error: {e:#}");
        std::process::exit(1);
    }
}
