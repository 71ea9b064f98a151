"""The OOXML layer: what an .xlsx package is made of, read once and safely.

Each module says one concept of the file format; the readers above (the safety checks, the
styles read, the tolerant reader, the annotator) take these instead of keeping their own:

* :mod:`.xml`: the one safe XML parser setup (no entities, no DTD, no network);
* :mod:`.package`: zip members looked up as Excel does, relationships, the workbook's sheets;
* :mod:`.styles`: the styles table (cell formats -> fills, fonts, number formats; colours);
* :mod:`.scan`: the byte-level pieces the fast scanners share (inflating ahead, numpy words);
* :mod:`.ole`: OLE2 containers (encrypted workbooks, legacy .xls) through olefile.
"""
