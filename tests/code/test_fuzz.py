"""Random and garbled source never crashes the analysers (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faasguard.code.profile import profile_function
from faasguard.model.app import Function
from faasguard.model.values import Location

PY_SEED = """import os, boto3
from boto3 import client as mk
s3 = boto3.resource("s3")
t = s3.Object(os.environ["B"], f"{x}/k")
class A:
    c = mk("sqs")
    def f(self, q):
        self.c.send_message(QueueUrl=q)
        getattr(self.c, q)()
async def h(e):
    async with boto3.Session().client(e) as c:
        await c.get_paginator("list_objects_v2").paginate(Bucket=t)
"""
JS_SEED = """const AWS = require("aws-sdk");
import { S3Client, GetObjectCommand, paginateListObjectsV2 } from "@aws-sdk/client-s3";
const { B } = process.env;
const s3 = new S3Client({}), d = new AWS.DynamoDB.DocumentClient();
export const h = async (e) => { await s3.send(new GetObjectCommand({ Bucket: `${B}/x`, Key: e }));
  d.put({ TableName: process.env.T }).promise(); new AWS[e]().x(); };
module.exports = { s3 };
"""
TOKENS = st.sampled_from(
    [
        "boto3",
        ".",
        "client",
        "(",
        ")",
        '"s3"',
        "=",
        "x",
        "\n",
        " ",
        "os.environ",
        "[",
        "]",
        "new",
        "require",
        "AWS",
        "{",
        "}",
        ":",
        ",",
        "await",
        "async",
        "def",
        "class",
        "import",
        "from",
        "`${",
        "process.env.",
        ";",
        "=>",
        "'",
        '"',
        "\\",
        "\x00",
    ]
)


def _garble(seed: str, cuts: list[int], noise: list[str]) -> str:
    text = seed
    for cut, piece in zip(cuts, noise, strict=False):
        at = cut % (len(text) + 1)
        text = text[:at] + piece + text[at + len(piece) % 7 :]
    return text


def _profile(source: str, name: str, runtime: str, handler: str) -> None:
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / name).write_text(source, encoding="utf-8", errors="surrogatepass")
        fn = Function(
            id="F",
            type="AWS::Lambda::Function",
            location=Location(file="t.yaml"),
            runtime=runtime,
            handler=handler,
            code_dir=root,
        )
        profile = profile_function(fn)
        assert profile is not None
        for call in profile.calls:
            assert call.known or call.note


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(st.integers(0, 2000), max_size=12), st.lists(TOKENS, max_size=12))
def test_garbled_python(cuts: list[int], noise: list[str]) -> None:
    _profile(_garble(PY_SEED, cuts, noise), "app.py", "python3.12", "app.handler")


@FUZZ
@given(st.lists(st.integers(0, 2000), max_size=12), st.lists(TOKENS, max_size=12))
def test_garbled_javascript(cuts: list[int], noise: list[str]) -> None:
    _profile(_garble(JS_SEED, cuts, noise), "index.ts", "nodejs20.x", "index.handler")


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _profile(text, "app.py", "python3.12", "app.handler")
    _profile(text, "index.js", "nodejs20.x", "index.handler")


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    _profile("x = " + "(" * 5000 + ")" * 5000 + "\n", "app.py", "python3.12", "app.handler")
    _profile("x = " + "[" * 5000 + "]" * 5000 + ";\n", "index.js", "nodejs20.x", "index.handler")
