"""Run the cgu command without installing it: `python cgu_cli.py build`."""

from cgu.cli import run

if __name__ == "__main__":
    run()
