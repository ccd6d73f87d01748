"""Every bound faasguard puts on its input, in one place (see DESIGN.md, "Safety of the tool")."""

#: Largest file any loader reads. CloudFormation itself caps templates at 1 MB; CDK output
#: and Terraform state-like files can be larger, hence the margin.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Most YAML/JSON nodes one document may expand to, counting alias expansions
#: (a "billion laughs" document fails fast instead of exhausting memory).
MAX_NODES = 500_000
#: Deepest nesting of mappings/sequences in a document.
MAX_DEPTH = 64
#: Most alias references in one YAML document.
MAX_ALIASES = 1_000
#: Most files one scan visits during discovery.
MAX_FILES = 100_000
#: Most nested intrinsic-function evaluations while resolving one value.
MAX_RESOLVE_DEPTH = 32
#: Bytes read from the start of a file to decide what it is.
SNIFF_BYTES = 64 * 1024
