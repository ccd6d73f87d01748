"""CloudFormation templates (and CDK output) into the ``App`` model.

INTERFACE STUB - being implemented. Public entry point: ``load_template``.
``Template`` is the resolution context shared with ``loaders.sam``.
"""

from __future__ import annotations

from faasguard.loaders.yamljson import Document, Node
from faasguard.model import App, Data, PolicyStatement, Text, Value


class Template:
    """Resolution context for one template: parameters, pseudo parameters, conditions, mappings.

    Every method takes a raw ``Node`` and returns model values: resolved where possible,
    ``Ref`` where the value is decided at deploy time. Parameter defaults that were used are
    recorded and handed out per resource by ``take_assumptions()``.
    """

    def __init__(self, doc: Document, root: str) -> None:
        raise NotImplementedError

    def value(self, node: Node) -> Value:
        """A scalar: str/int/float/bool/None, or a ``Ref`` for unresolvable intrinsics."""
        raise NotImplementedError

    def text(self, node: Node) -> Text | None:
        """A string (Sub/Join resolved when possible), a ``Ref``, or None when absent."""
        raise NotImplementedError

    def texts(self, node: Node) -> tuple[Text, ...]:
        """A list of strings (a single string counts as a list of one)."""
        raise NotImplementedError

    def data(self, node: Node) -> Data:
        """Free-form data as FrozenMap / tuples / values (for conditions, patterns...)."""
        raise NotImplementedError

    def target(self, node: Node) -> Text | None:
        """The logical id a ``Ref``/``GetAtt`` points at when it is a resource of this template,
        otherwise the value itself (an ARN string or a ``Ref``)."""
        raise NotImplementedError

    def statements(self, document: Node, source: str) -> tuple[PolicyStatement, ...]:
        """IAM policy document (``{"Statement": [...]}``) into statements with locations."""
        raise NotImplementedError

    def take_assumptions(self) -> tuple[str, ...]:
        """Notes on parameter defaults used since the last call (attach them to the resource)."""
        raise NotImplementedError


def load_template(doc: Document, root: str) -> App:
    """Build the ``App`` of one CloudFormation/SAM template document."""
    raise NotImplementedError
