"""Standard RDF in (ADR 0023): CPSV-AP 3, W3C ORG / CPOV and DCAT-AP 3 files, and govcat's
own RDF, mapped to govcat's records with one report per record. `import_graph` is the entry
point; `read_standard` reads a file first."""

from loaders.standard.files import read_standard
from loaders.standard.mapping import StandardImport, import_graph
from loaders.standard.report import ImportReport, LeftAside, Need, RecordReport

__all__ = ["ImportReport", "LeftAside", "Need", "RecordReport", "StandardImport",
           "import_graph", "read_standard"]
