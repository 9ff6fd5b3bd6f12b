import json

import click

SERVICE_NAME = "pyproject-cli-example"


@click.command()
@click.option("--name", default="world", help="Who to greet.")
def main(name: str) -> None:
    """Print one JSON line: the tool's status and a greeting."""
    click.echo(json.dumps({"status": "ok", "service": SERVICE_NAME, "hello": name}))
