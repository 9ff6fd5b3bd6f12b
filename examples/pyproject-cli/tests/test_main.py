import json

from click.testing import CliRunner

from hello_cli.main import main


def test_greets():
    result = CliRunner().invoke(main, ["--name", "venvship"])
    assert result.exit_code == 0
    assert json.loads(result.output)["hello"] == "venvship"
