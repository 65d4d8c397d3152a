fn main() {
    eprintln!("aotc: command line not wired yet");
    std::process::exit(2);
}
