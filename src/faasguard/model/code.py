"""What static analysis of a function's code found: the AWS SDK calls it can make."""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.model.values import Location


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceArg:
    """The argument of a call that names the resource it touches (``Bucket=``, ``TableName=``).

    Exactly one of ``literal`` / ``env_var`` is set when the value could be traced; neither when
    it could not (then the resource is ``*`` and ``note`` says why).
    """

    param: str  # the SDK parameter name: "Bucket", "TableName", "QueueUrl", "FunctionName"...
    literal: str | None = None  # a constant value (string literal or module constant)
    env_var: str | None = None  # os.environ["X"] / os.getenv("X") / process.env.X
    #: a constant prefix/suffix around the traced part (f"{BUCKET}/x" keeps "/x")
    template: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SdkCall:
    """One place in the code that can call an AWS operation.

    ``service`` is the botocore service name (``"s3"``, ``"dynamodb"``, ``"lambda"``) and
    ``operation`` the botocore operation name (``"GetObject"``); either is ``None`` when it is
    computed at run time, and then ``note`` says why. An unknown call is never "nothing needed".
    """

    service: str | None
    operation: str | None
    location: Location
    sdk: str  # "boto3", "aioboto3", "aws-sdk-v2", "aws-sdk-v3", "powertools"
    resources: tuple[ResourceArg, ...] = ()
    #: how the call was recognised: "client method", "resource action", "paginator", "waiter"...
    form: str = ""
    note: str = ""

    @property
    def known(self) -> bool:
        return self.service is not None and self.operation is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeProfile:
    """Everything found in one function's code root (``Function.code``)."""

    language: str  # "python", "javascript", "typescript", "unsupported"
    files: tuple[str, ...] = ()  # files read, relative to the scan root
    calls: tuple[SdkCall, ...] = ()
    #: files that could not be parsed or followed, and other analysis limits, with location
    problems: tuple[tuple[Location, str], ...] = ()

    @property
    def complete(self) -> bool:
        """True when every call's service and operation is known and nothing failed to parse."""
        return not self.problems and all(c.known for c in self.calls)
