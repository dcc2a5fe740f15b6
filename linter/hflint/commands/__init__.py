"""One module per subcommand; each takes parsed argparse arguments and returns an exit code."""
