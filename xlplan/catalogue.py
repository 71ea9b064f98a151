"""The issue catalogue: what every issue code means and what to do about it, as data.

Each code in :data:`xlplan.issues.CODES` has one :class:`Entry` here: a title, a description
a non-programmer understands, and what to do. ``xlplan explain CODE`` prints an entry;
``docs/issue-codes.md`` is generated from this table (``python scripts/make_docs.py``), so the
README's list of codes and the tool never disagree.

A code raised from several places has its message *templates* here too, one per case it
describes, and every place words it with :func:`message`: one wording per case, kept where a
user looks it up, instead of a sentence retyped in each module.
"""
from __future__ import annotations

import string
from dataclasses import dataclass

from .issues import CODES


@dataclass(frozen=True)
class Entry:
    """One issue code as a user looks it up."""

    code: str
    title: str
    description: str
    what_to_do: str
    #: the code's messages, (case, template) pairs: ``{name}`` fields filled by :meth:`message`
    templates: tuple[tuple[str, str], ...] = ()

    @property
    def severity(self) -> str:
        return CODES[self.code]

    def message(self, case: str = "", **fields: object) -> str:
        """The message for one case of this code, its fields filled in. ``case`` may be left
        out when the code has one template. A missing field or an unknown case is a
        ``KeyError`` (a programming error, found by the tests that raise the code)."""
        templates = dict(self.templates)
        if not case and len(templates) == 1:
            case = next(iter(templates))
        return templates[case].format(**fields)

    def fields(self, case: str) -> tuple[str, ...]:
        """The field names a case's template needs, in order."""
        return tuple(name for _, name, _, _ in string.Formatter().parse(dict(self.templates)[case])
                     if name)


_ENTRIES = (
    # ---------------------------------------------------------------- files
    Entry("unreadable-file", "The file could not be read as a workbook",
          "The file is not an Excel workbook xlplan can open: it is empty, truncated, an old "
          ".xls, a CSV or web page saved with an .xlsx name, or damaged.",
          "Open it in Excel and save it again as an Excel Workbook (.xlsx), then send it again.",
          (("cannot-open", "the file cannot be opened: {reason}"),
           ("damaged", "the workbook could not be read ({reason}); open it in Excel, check it, "
                       "and save it again as .xlsx"),
           ("set-aside", "this workbook was set aside: {reason}; split it into smaller "
                         "workbooks or check it in Excel"),
           ("internal", "xlplan could not read this workbook ({reason}); please report it"),
           # the package check, before any reader sees the file: what the bytes are
           ("not-checked", "xlplan could not check this file safely ({reason}); open it in "
                           "Excel, save it again as .xlsx and send it again"),
           ("empty", "the file is empty (0 bytes): it was probably not saved or copied "
                     "properly; send the workbook again"),
           ("old-xls", "this is the old Excel 97-2003 format (.xls): open it in Excel and save "
                       "it as .xlsx (File > Save As > Excel Workbook), then send it again"),
           ("other-office-file", "this is an older Microsoft Office file that is not an Excel "
                                 "workbook (for example a Word .doc); send the workbook saved "
                                 "as .xlsx"),
           ("zip-end-missing", "the file is damaged or incomplete (the end of the zip package "
                               "is missing, as happens when a download or copy is cut short); "
                               "save it again from Excel and send it again"),
           ("not-a-package", "the file is damaged or incomplete and cannot be opened as a "
                             "workbook ({reason}); save it again from Excel and send it again"),
           ("odd-compression", "part '{part}' uses a compression method Excel never writes "
                               "(method {method}); save the workbook again from Excel and send "
                               "it again"),
           ("part-missing", "the file is damaged: part '{part}' is missing or broken; save the "
                            "workbook again from Excel and send it again"),
           ("part-cut-short", "the file is incomplete: part '{part}' is cut short (a download "
                              "or copy that did not finish); send the workbook again"),
           ("part-cannot-unpack", "the file is damaged: part '{part}' cannot be unpacked "
                                  "({reason}); save the workbook again from Excel and send it "
                                  "again"),
           ("part-ends-early", "the file is damaged or incomplete: part '{part}' ends too early; "
                               "save the workbook again from Excel and send it again"),
           ("excel-2003-xml", "this is an Excel 2003 XML spreadsheet with an {suffix} name, not "
                              "an Excel workbook; open it in Excel and save it as .xlsx (File > "
                              "Save As > Excel Workbook), then send it again"),
           ("text-file", "this is {article} {kind} file with an {suffix} name, not an Excel "
                         "workbook; open it in Excel and save it as .xlsx (File > Save As > "
                         "Excel Workbook), then send it again"),
           ("other-kind", "this is {kind}, not an Excel workbook, although its name ends in "
                          "{suffix}; send the workbook saved as .xlsx"),
           ("unrecognised", "this file is not an Excel workbook (its contents are not in any "
                            "format xlplan recognises, although its name ends in {suffix}); "
                            "open it in Excel and save it as .xlsx, or send the right file"),
           ("xlsb", "this is an Excel binary workbook (.xlsb), which xlplan does not read; open "
                    "it in Excel and save it as .xlsx (File > Save As > Excel Workbook), then "
                    "send it again"),
           ("ods", "this is an OpenDocument spreadsheet (.ods, LibreOffice), which xlplan does "
                   "not read; open it and save it as .xlsx (Excel 2007-365), then send it "
                   "again"))),
    Entry("encrypted-file", "The workbook is password protected",
          "A password-protected workbook cannot be read without the password, and xlplan never "
          "asks for one.",
          "Remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it) "
          "and send the workbook again.",
          (("password", "the workbook is password protected: remove the password in Excel "
                        "(File > Info > Protect Workbook > Encrypt with Password, clear it), "
                        "save and send it again"),
           ("encrypted-zip", "the workbook package is password protected (an encrypted zip): "
                             "save it from Excel without a password and send it again"),
           # the reader, when the package check passed but the workbook asks for a password
           ("reader-password", "the workbook is password protected: remove the password in "
                               "Excel (File > Info > Protect Workbook) and send it again"))),
    Entry("too-large", "The file is too large to read safely",
          "The workbook would unpack to more than the safe limit (a 'zip bomb', a sheet that "
          "claims a million rows, or a plan far larger than any SRO keeps), or reading it took "
          "longer than the time allowed for one file. The rest of the folder is still read.",
          "Check the file: delete stray cells far below or right of the table, or split it. "
          "A programme can raise the limits in its settings file ([limits]).",
          (("set-aside", "this workbook was set aside: {reason}; split it into smaller "
                         "workbooks or check it in Excel"),
           # the package check: sizes are given as written ("12.0 MB", "1,048,576")
           ("file-size", "the file is {size} on disk; xlplan reads files up to {limit}"),
           ("parts", "the workbook package holds {parts} parts; xlplan reads packages of up to "
                     "{limit} parts"),
           ("unpacks-to", "the workbook unpacks to {size}; xlplan reads workbooks that unpack "
                          "to at most {limit} (a file this size is either enormous or a 'zip "
                          "bomb')"),
           ("ratio", "the file is {size} but unpacks to {unpacked}, {ratio} times its size; "
                     "xlplan refuses anything over {limit} times, because that is how 'zip "
                     "bombs' are built (real workbooks are about 5 to 30 times)"),
           ("part-unpacks-more", "part '{part}' unpacks to more than the {declared} bytes it "
                                 "declares (at least {produced}): the file was built to mislead "
                                 "readers (a 'zip bomb') or is damaged, so xlplan does not read "
                                 "it"),
           ("long-tag", "a single XML tag in this sheet is longer than 1 MB: the file was built "
                        "to mislead readers or is damaged, so xlplan does not read it"),
           ("row", "{where} has a cell in row {row} ({ref}); xlplan reads at most {limit} rows. "
                   "It is usually a stray value or formatting far below the table: press "
                   "Ctrl+End in Excel to find it, delete those rows, save and send it again"),
           ("column", "{where} has a cell in column {letter} ({ref}, column {column}); xlplan "
                      "reads at most {limit} columns (up to column {last}). It is usually a "
                      "stray value far to the right of the table: press Ctrl+End in Excel to "
                      "find it, delete those columns, save and send it again"),
           ("area", "{where} uses {least}the area A1:{corner}, {rows} rows by {columns} columns "
                    "({cells} cells); xlplan reads at most {limit} cells a sheet. Press Ctrl+End "
                    "in Excel to find stray content, delete the extra rows or columns, save and "
                    "send it again"),
           ("cells", "{where} holds {cells} cells; xlplan reads at most {limit} cells a sheet"),
           ("dimension", "{where} declares its used area as {ref} ({rows} rows by {columns} "
                         "columns); xlplan reads at most {max_rows} rows, {max_columns} columns "
                         "(up to column {last}) and {max_cells} cells a sheet. In Excel, delete "
                         "the empty rows and columns below and to the right of the table, save "
                         "and send it again"))),
    Entry("unsafe-xml", "The workbook holds unsafe XML",
          "The workbook's XML declares document types or entities, which Excel never writes and "
          "which can be used to attack the computer that reads it. It was not read.",
          "Ask the sender where the file came from; save it again from Excel.",
          (("declaration", "the workbook's XML contains a {what} declaration (entities can make "
                           "a reader expand text without end or read files from the computer "
                           "opening it); xlplan never parses such files: open the workbook in "
                           "Excel, save it as a new .xlsx and send that"),
           ("long-preamble", "the workbook's XML starts with an unusually long preamble, which "
                             "xlplan does not parse; open the workbook in Excel, save it as a "
                             "new .xlsx and send that"),
           # the reader, when its XML parser meets an entity the package check let through
           ("reader-entities", "the workbook's XML declares entities, which xlplan never "
                               "expands"))),
    Entry("macros-ignored", "Macros were not run",
          "The workbook is macro-enabled (.xlsm). Its values were read; its macros were neither "
          "run nor carried into anything xlplan writes.",
          "Nothing, unless the values depend on a macro having run: then run it in Excel first.",
          (("", "the workbook contains macros (VBA): xlplan reads the values only; the macros "
                "are never run and are not carried into the output"),)),
    Entry("skipped-file", "A file in the folder was skipped",
          "The file is not a workbook to read: an Excel lock file (~$...), a document, a CSV or "
          "another file that happens to be in the folder.",
          "Nothing, if the file is not a return. A CSV return should be saved as .xlsx.",
          (("lock-file", "skipped: an Excel lock file (the workbook was open when the folder "
                         "was collected)"),
           ("system-file", "skipped: a hidden or system file"),
           ("not-excel", "skipped: not an Excel workbook ({suffix})"))),
    Entry("hidden-sheet", "A hidden sheet was not read",
          "Hidden sheets usually hold lookup lists or old versions, so they are not read.",
          "Unhide the sheet in Excel if it holds this month's return.",
          (("", "hidden sheet '{sheet}' was not read"),)),
    Entry("not-a-row", "A row under the header was not read as a row of the table",
          "Repeated headers, section banners, total rows, rating legends, notes and reference "
          "lists under a table, rows numbered in advance and left empty, and a column holding "
          "a dropdown's list of choices are part of the sheet's layout, not actions, risks or "
          "indicators; so is a sheet of scoring guidance beside a register. xlplan skips each "
          "and says where it is, so nothing vanishes unexplained.",
          "Nothing, if the row is what the message says. If it is real data, fill in its "
          "cells like the rows above it (a row needs more than a number or a single note).",
          # {what} says what the row is ("a total row", "a note under the table", from
          # xlplan.rows.CLASS_TEXT or the scorecard reader); {text} its first words
          (("furniture", "not read as a row: {what} ('{text}')"),
           ("furniture-blank", "not read as a row: {what}"),
           ("numbered-run", "rows {first}-{last} are numbered in advance and hold nothing else: "
                            "not read as rows"),
           ("dropdown-list", "column {column} has no header and holds a list of choices "
                             "({choices}), the source of a dropdown: not read as data"),
           ("key-beside", "column {column} and the columns right of it hold a key typed "
                          "beside the table ('{title}'): not read as data"),
           ("risk-total", "not read as a risk: a total row ('{text}')"),
           ("risk-unheaded", "this row has nothing under the table's headers (only {cells}): "
                             "not read as a risk"),
           ("risk-numbered", "this row has only its number under the table's headers (only "
                             "{cells}): not read as a risk"),
           ("risk-furniture", "not read as a risk: {what}"),
           ("indicator", "not an indicator: {what} ('{text}'); skipped"),
           ("guidance-sheet", "the sheet '{sheet}' is guidance beside the register (its name "
                              "says so, and its table has no Ref or owner column): its {rows} "
                              "under the header are not read as risks"))),
    Entry("external-link", "The workbook links to other workbooks",
          "Some cells take values from other files. xlplan uses the values saved in this "
          "workbook and never follows the links.",
          "Make sure the linked values were up to date when the workbook was saved.",
          (("", "the workbook has links to other workbooks: xlplan uses the values saved in "
                "this file and does not follow the links"),)),
    Entry("active-content", "Active content left out of an annotated copy",
          "The workbook has macros, links to other workbooks or DDE links, formulas that reach "
          "outside the workbook, embedded objects or ActiveX controls. The annotated copy xlplan "
          "writes leaves them out (a macro-enabled workbook's copy is a plain .xlsx); a formula "
          "that reached outside is replaced by the value Excel last saved for it. The SRO's own "
          "workbook is unchanged.",
          "Nothing: correct the SRO's own workbook, not the annotated copy."),
    Entry("own-output", "A workbook written by xlplan was not read as a return",
          "The folder holds a consolidated workbook (or an unfilled template) that xlplan wrote. "
          "Reading it as a return would count every row twice.",
          "Move it out of the returns folder; give last month's consolidated workbook to merge "
          "as --previous.",
          (("consolidated", "skipped: this is a consolidated workbook written by xlplan, not an "
                            "SRO's return. To compare this month with it, pass it as --previous "
                            "(and keep it out of the returns folder)"),
           ("template", "skipped: this is a template written by xlplan template that has not "
                        "been filled in (nobody has saved it since it was made). Send it to the "
                        "SRO; the copy they fill in and return is read"))),
    # ---------------------------------------------------------------- finding the table
    Entry("header-not-found", "No table xlplan recognises",
          "No sheet has a header row that xlplan can map to an action plan (Action / Sub "
          "actions / SRO / RAG ...), a risk register (Ref / Description / Likelihood / "
          "Impact ...) or a scorecard (Indicator / values by period ...).",
          "Check that the return is on the expected template. If a partner uses its own "
          "headers, run `xlplan map FILE` and paste its [headers] block into the programme "
          "settings file.",
          (("no-table", "no sheet has a header row xlplan recognises (an action plan needs e.g. "
                        "Action / Sub actions / SRO / RAG; a risk register Ref / Description / "
                        "Rating); sheets looked at: {sheets}"),
           ("unmapped", "nothing read: {table}{others}"))),
    Entry("missing-column", "A required column is missing",
          "The table was found, but a column the programme needs (for example the RAG) is not "
          "there. The message names it.",
          "Add the column, or teach xlplan the partner's own header with [headers] in the "
          "programme settings.",
          (("", "no {column} column in the header row (row {row}); add {add}"),)),
    Entry("fragment-row", "A stray row was joined to the row above",
          "A row held only a fragment of text (for example a name split over a page break), so "
          "it was joined to the row above.",
          "Check the joined text in the consolidated workbook; tidy the SRO's sheet.",
          # {column} is the column the text was joined to ("sub action"), {row} the row above
          (("action", "a row holding only '{text}' was joined to the {column} of the row above "
                      "(row {row})"),
           ("risk", "a row holding only '{text}' was joined to the {column} of the risk above "
                    "(row {row})"),
           # {texts}: the row's texts quoted; {kept}: the cells not read, "E7 'High'"
           ("continued", "this row continues the risk above: its text ({texts}) was added to "
                         "the risk above (row {row}), whose description cell is merged down "
                         "over it"),
           ("continued-kept-out", "this row continues the risk above: its text ({texts}) was "
                                  "added to the risk above (row {row}), whose description cell "
                                  "is merged down over it; not read, as that risk has one value "
                                  "there already: {kept}"))),
    # ---------------------------------------------------------------- values
    Entry("missing-value", "A required cell is empty",
          "A row has content but no action or sub-action text, or a risk has no description or "
          "no current rating.",
          "Fill in the cell the message names.",
          # {item} is "risk" or the RAID kind ("issue"); {part} "likelihood" or "impact"
          (("action", "this row has content but neither an action nor a sub-action: add the "
                      "text, or delete the row"),
           ("indicator", "this row has content but no indicator name: add the name, or delete "
                         "the row"),
           ("description", "this {item} has no description: say what could happen, why, and "
                           "what it would cost"),
           ("current-rating", "this risk has no current rating: give its likelihood, impact and "
                              "score (e.g. '4 4 16')"),
           ("current-part", "this risk's current {part} is empty: the score needs both "
                            "likelihood and impact"))),
    Entry("unknown-rag", "A RAG value that is not on the scale",
          "The RAG cell holds a word or letter that is not on the programme's scale (the message "
          "lists the scale).",
          "Use one of the scale's values (the template's dropdown offers them).",
          (("", "RAG value '{value}' is not on the scale ({scale})"),)),
    Entry("missing-rag", "An update without a RAG",
          "The action has a progress update this month but no RAG status.",
          "Give the action a RAG status.",
          (("", "this action has an update but no RAG status"),)),
    Entry("rag-from-colour", "RAG taken from the cell colour",
          "The RAG cell has no text, but its fill colour is a RAG colour: the colour was read as "
          "the value.",
          "Nothing; typing the RAG as text as well makes it unambiguous.",
          # {fill} is the colour's hex code ("FF0000")
          (("", "no RAG text: the cell's fill colour (#{fill}) was read as {rag}"),)),
    Entry("rag-colour-mismatch", "RAG text and colour disagree",
          "The RAG cell says one thing and is coloured another. The text was used.",
          "Correct whichever is wrong.",
          (("", "the RAG says {rag} but the cell is filled {fill_rag} (#{fill}); the text was "
                "used"),)),
    Entry("unknown-marker", "A milestone cell xlplan cannot read",
          "A quarter cell holds something other than X, Complete, a date or a quarter such as "
          "'Q2 18/19'. It is kept as written.",
          "Use X for the quarter a milestone is due, Complete when done, or a date.",
          # {column} is the quarter's column as the plan heads it ("Q2")
          (("milestone", "milestone '{text}' in {column} is not X, Complete, a date or a quarter "
                         "such as 'Q2 18/19'; kept as written"),
           ("timeframe", "timeframe '{text}' gives no date xlplan can read (e.g. 'Oct-18', "
                         "'2018/19', 'Autumn 2018'); kept as written"))),
    Entry("unknown-timeframe", "A timeframe xlplan cannot read",
          "A Timeframe cell holds no date or period xlplan can read (Oct-18, 2018/19, Autumn "
          "2018 ... are read). It is kept as written, but the row cannot be judged overdue.",
          "Write the month or quarter the action is due."),
    Entry("formula-in-input", "A cell held a formula",
          "xlplan used the value Excel saved for the formula; it never calculates formulas in "
          "returns.",
          "Nothing, if the workbook was saved after the values were last calculated.",
          (("value", "this cell holds a formula: its last calculated value ('{value}') was used"),
           ("empty", "this cell holds a formula: its last calculated value was empty, so "
                     "nothing was read"))),
    Entry("formula-like-text", "Text that looks like a formula",
          "A cell's text starts with = + - or @. It is kept as text and never becomes a formula "
          "in anything xlplan writes.",
          "Nothing.",
          (("", "text that starts like a formula: kept as text, never run as a formula"),)),
    Entry("error-value", "A cell holds an Excel error",
          "A cell that needs a value holds an Excel error such as #REF!, #N/A or #DIV/0! "
          "(usually a formula whose source was deleted). The error is kept as text, never read as "
          "a blank.",
          "Fix the formula in the SRO's workbook, or type the value.",
          # {value} is the error as Excel shows it ("#REF!"), {header} the column's header
          (("period", "Excel shows the error {value} in this cell ({header}): this period's "
                      "value is unknown: it is left out, so the indicator's latest value and "
                      "trend come from the other periods only. Fix the formula or type the value "
                      "in Excel"),
           ("value", "Excel shows the error {value} in this cell ({header}): the value is "
                     "unknown, so nothing is worked out from it (it is not a blank). Fix the "
                     "formula or type the value in Excel"),
           ("text", "Excel shows the error {value} in this cell ({header}): the text is kept as "
                    "it is. Fix the formula or type the value in Excel"))),
    Entry("unreadable-cell", "A cell could not be read",
          "One cell of the workbook is damaged (for example it points at text the file does "
          "not hold, or a number cell holds something that is not a number), so it was read as "
          "blank. Every other cell of the file was read.",
          "Retype the cell's value in Excel and save the workbook.",
          # {why} says what is wrong with the cell's stored value; {count} is written with commas
          (("cell", "this cell could not be read ({why}), so it was left blank; every other "
                    "cell was read. Retype the value in Excel and save"),
           ("more", "{count} more cells on this sheet could not be read and were left blank"),
           # {declared} and {found} are written with commas
           ("text-table", "the workbook's table of texts says it holds {declared} texts but "
                          "holds {found}: one is missing or extra, so the text cells after it "
                          "may show another cell's text. Open the file in Excel, check its "
                          "text and save it again"))),
    Entry("stray-cell", "A value far outside the table",
          "A value sits far below or to the right of the table (often typed by accident, or "
          "left behind when rows were deleted). It is not read as part of the table; the table "
          "itself is read.",
          "Press Ctrl+End in Excel to find it; delete it, or move it into the table.",
          # {corner} is the table's last cell, {last} the farthest stray one ("XFD1048576")
          (("value", "a value far outside the table (which ends at {corner}) was not read as "
                     "part of it; if it belongs to the plan, move it into the table, otherwise "
                     "delete it"),
           ("more", "{count} more values outside the table (up to {last}) were not read; press "
                    "Ctrl+End in Excel to find them"))),
    Entry("text-truncated", "Text cut to Excel's cell limit",
          "A cell's text is longer than the 32,767 characters Excel allows in a cell, so the "
          "consolidated workbook holds the start of it.",
          "Shorten the text in the return.",
          # {length} and {limit} are written with commas; {sheet} and {row} are in the output
          (("", "the {header} text is {length} characters long, more than an Excel cell holds "
                "({limit}): it is cut short in the consolidated workbook (sheet {sheet}, row "
                "{row}); the full text stays in the source file"),)),
    Entry("duplicate-ref", "The same Ref twice in one file",
          "Two rows of one workbook carry the same Ref, so they cannot be told apart next "
          "month. Both rows are kept.",
          "Give each row its own Ref.",
          # a Ref is unique in a whole file (every sheet of it) and on a scorecard's sheet
          (("file", "Ref '{ref}' is used again here (first at {sheet} row {row}): give each row "
                    "its own Ref"),
           ("sheet", "Ref '{ref}' is used again here (first at row {row}): give each indicator "
                     "its own Ref"))),
    Entry("conflicting-ref", "The same Ref from two files",
          "Two returns submitted a row with the same Ref. Both rows are kept and marked. For "
          "risks, a Ref belongs to the organisation that sent it: two partners' own 'R-001' "
          "conflict only when the programme's Refs are programme-wide ([risk] refs = "
          "\"programme\") or the two files evidently share their Refs.",
          "Agree which SRO owns the row; renumber the other.",
          (("", "{what} is also submitted in '{other}'{how}: both rows are kept; agree which "
                "file owns it"),)),
    Entry("no-rows", "A workbook with content gave no rows",
          "A table was found in the workbook and there is something under its header, but no "
          "row of it could be read as an action, a risk or an indicator. Nothing from the file "
          "is merged; the Submissions sheet marks it failed and says why, and merge exits 1.",
          "Look at this file's other issues (rows not read, a header not understood); fix the "
          "table or teach xlplan its headers with `xlplan map FILE`.",
          # {tables} is "table" or "tables", {names} the sheets' names quoted
          (("", "the workbook has content, but the {tables} found ({names}) gave no rows: "
                "nothing from this file is merged; check the rows under the header (and the "
                "issues above)"),)),
    # ---------------------------------------------------------------- risks
    Entry("bad-rating", "A risk rating that cannot be read",
          "A likelihood, impact or score cell holds text xlplan cannot read as a rating "
          "(numbers, '4 4 16', '4x4=16', 'New' and the programme's word ratings are read).",
          "Write the rating as numbers, or add the word to the programme's rating words.",
          # {text} is the cell as written; the package's own parse of a rating says why it
          # could not read it
          (("unreadable", "cannot read the risk rating '{text}': write likelihood, impact and "
                          "score as '4 4 16' (or '4x4=16'), a score alone ('16'), or 'New'"),
           ("unreadable-value", "cannot read the risk rating {value}: write likelihood, impact "
                                "and score as '4 4 16' (or '4x4=16'), a score alone ('16'), or "
                                "'New'"),
           ("date", "Excel has turned this risk rating into a date ({date}); format the cell as "
                    "text and write likelihood, impact and score as '4 4 16' (or '4x4=16'), a "
                    "score alone ('16'), or 'New'"),
           ("fraction", "the risk score {score} is not a whole number: write likelihood, impact "
                        "and score as '4 4 16' (or '4x4=16'), a score alone ('16'), or 'New'"),
           ("part", "the {part} '{text}' is not a whole number: write a number from {low} to "
                    "{high}"))),
    Entry("rating-from-words", "Ratings written in words were read onto the matrix",
          "The register rates risks in words (High, Medium, Low, Critical, 'M - H') or as "
          "probabilities (0.45, '45%', '50-80%'). They were read onto the programme's risk "
          "matrix with its table of rating words: a word in a Likelihood or Impact column is a "
          "step of the "
          "scale, a word for the whole rating is a band of the matrix. The words are kept on "
          "the Risks sheet (Rating as written).",
          "Nothing. To read a word differently, set it in [risk.words] of the programme "
          "settings (a step from 1 to 5).",
          # {groups}: "impact from the ticks under H/M/L"; {words}: "'High' as 4 x 4, ..."
          (("ticks", "ratings given by ticks: {groups}"),
           ("words", "ratings written in words or as probabilities were read onto the "
                     "programme's risk matrix ({words}); the words are kept as written"))),
    Entry("text-not-rating", "A rating column holds text, not ratings",
          "A column whose header names a rating (for example 'Impact (resulting in ...)') holds "
          "sentences, tick marks or amounts of money ('Impact £', an Exposure of 175000), not "
          "ratings. It is kept as a column of its own and no rating is read from it; where "
          "another column of the same name holds the ratings, they are read from that one.",
          "Nothing, unless the column should hold ratings: then write numbers or rating words.",
          # {what}: "text", "tick marks" or "amounts of money or counts"; {rating} is the rating
          # the header names ("current impact"); {other} the header of the column read instead
          (("none", "the column '{header}' holds {what}, not ratings: it is kept as a column of "
                    "its own, and no {rating} is read from it"),
           ("namesake", "the column '{header}' holds {what}, not ratings: it is kept as a column "
                        "of its own, and the {rating} is read from '{other}' ({column}) "
                        "instead"))),
    Entry("own-rag-bands", "The register uses RAG bands of its own",
          "The register's RAG rises with the score consistently, but by bands of its own rather "
          "than the programme's matrix. Its RAG is kept as written (RAG as written on the Risks "
          "sheet) and not flagged row by row; the Risks sheet's RAG follows the programme's "
          "bands.",
          "Nothing, or ask the partner to use the programme's bands.",
          # {bands} lists the register's bands as found ("Green 1-4, Amber 5-12, Red 15-25")
          (("", "this register's RAG follows bands of its own ({bands} in the scores it holds), "
                "not the programme's risk matrix: its RAG is kept as written ('RAG as written' on "
                "the Risks sheet) and the Risks sheet's RAG follows the programme's bands"),)),
    Entry("out-of-range", "Likelihood or impact outside the scale",
          "A likelihood or impact is outside the programme's matrix (1-5 by default).",
          "Use a value on the scale.",
          # {part} is "likelihood" or "impact"; the whole rating's name may come before it
          (("", "{part} {value} is outside the allowed range {low}-{high}"),)),
    Entry("impossible-score", "A score no likelihood and impact can give",
          "The score cannot be the product of a likelihood and an impact on the scale.",
          "Check the score and its likelihood and impact.",
          # {likelihood} and {impact} are the matrix's ranges ("1-5")
          (("beyond", "score {score} cannot come from likelihood {likelihood} x impact {impact}: "
                      "scores run from {least} to {most}"),
           ("gap", "score {score} cannot come from likelihood {likelihood} x impact {impact}: "
                   "possible scores are {scores}"))),
    Entry("score-mismatch", "Score is not likelihood x impact",
          "The score written differs from likelihood x impact.",
          "Correct the score or the rating it comes from.",
          (("", "score {score} is not likelihood {likelihood} x impact {impact} = "
                "{product}"),)),
    Entry("rag-band-mismatch", "Risk RAG disagrees with the score band",
          "The risk's RAG is not the band the programme gives its score.",
          "Use the band's RAG, or check the score.",
          (("", "the RAG says {rag} but score {score} is in the {band} band ({band_rag}) of the "
                "risk matrix"),)),
    Entry("movement-mismatch", "Stated movement disagrees with the scores",
          "The movement written (up, down, same) is not what the previous and current scores "
          "show.",
          "Correct the movement or the scores.",
          # {was} is the previous score or "New"; {derived} the movement the scores give
          (("", "the movement says {written} but the score went from {was} to {score} "
                "({derived})"),)),
    Entry("residual-above-inherent", "Residual rating above the inherent rating",
          "Controls should not make a risk worse: the residual (current) score is higher than the "
          "inherent score.",
          "Check both ratings.",
          (("", "the current (residual) score {current} is above the inherent score {inherent}: "
                "controls should not make a risk worse; check both ratings"),)),
    Entry("review-overdue", "A risk's review date has passed",
          "The risk's review date is before the reporting period.",
          "Review the risk and update its review date.",
          # {date} as "30 Sep 2018"
          (("", "the review date {date} has passed: review the risk and give the next review "
                "date"),)),
    Entry("above-appetite", "A risk above the programme's appetite",
          "The current score is above the risk appetite the programme set.",
          "Bring it to the board's attention with its mitigation.",
          (("", "score {score} is above the programme's risk appetite ({appetite}): escalate "
                "it"),)),
    # ---------------------------------------------------------------- scorecards
    Entry("bad-value", "A scorecard value that is not a number",
          "A value cell holds text that is not a number, so it is left out of the trend.",
          "Type the number (units such as % may follow it).",
          # {label} is the period the value is for
          (("", "'{text}' ({label}) is not a number: it is left out of the trend; type the "
                "number alone (e.g. 84.3 or 84.3%), or N/A when there is no value"),)),
    Entry("unknown-polarity", "Whether high or low is good is not known",
          "The indicator does not say whether a higher value is better, so no trend RAG can be "
          "given.",
          "Write 'High is good' or 'Low is good' in its polarity or comments column.",
          # {column} is the column to write it in: Polarity, or Comments when there is none
          (("not-understood", "polarity '{said}' is not understood: write 'High is good' or "
                              "'Low is good'; without it the trend RAG cannot be worked out"),
           ("in-column", "no polarity for this indicator: write 'High is good' or 'Low is good' "
                         "in the {column} column; without it the trend RAG cannot be worked out"),
           ("no-column", "no polarity for this indicator: add a Polarity column saying 'High is "
                         "good' or 'Low is good'; without it the trend RAG cannot be worked out"))),
    Entry("trend-mismatch", "Stated trend disagrees with the values",
          "The trend written for an indicator is not what its latest values show under the "
          "programme's trend rules.",
          "Check the trend or the values.",
          # {values}: the last values, "80 -> 82 -> 85"; {polarity}: "High is good"
          (("says", "the Trend cell says {stated} but the values ({values}, {polarity}) give "
                    "{computed} under the scorecard's rules; {computed} was used"),
           ("coloured", "the Trend cell is coloured {stated} but the values ({values}, "
                        "{polarity}) give {computed} under the scorecard's rules; {computed} was "
                        "used"))),
    Entry("duplicate-period", "An indicator has two values for one period",
          "A scorecard gives the same indicator two values for the same period (two rows of a "
          "long extract, or one period written twice down a sideways sheet). The later one was "
          "used.",
          "Delete the row that is out of date, or correct its period.",
          (("long", "'{indicator}' has a second value for {period} (first at row {row}): the "
                    "later row is used"),
           ("sideways", "{period} is written twice (first at row {row}): the later row is used"))),
    # ---------------------------------------------------------------- the merge
    Entry("missing-submission", "An expected SRO sent nothing",
          "The programme settings list this SRO, but no return of theirs was found.",
          "Chase the return, or remove the SRO from expected_sros.",
          (("", "no workbook from {sro} this month"),)),
    Entry("carried-forward", "A row missing this month was carried forward",
          "A row that was in last month's consolidated workbook is not in any return this "
          "month. It was copied forward with its last known values and flagged, never lost.",
          "Ask the SRO whether the row was closed or left out by mistake.",
          (("row", "{what} was {where} but no file sent it this month: carried forward with "
                   "its last known values"),
           ("sheet", "no {table} was read this month: the {count} {items} of last month's "
                     "{sheet} sheet are carried forward with their last known values"))),
    Entry("overdue", "A milestone is overdue",
          "The quarter (or date) a milestone was due ended before the reporting period, and it "
          "is neither marked Complete nor RAG Complete. Bare quarters are read in the financial "
          "year the programme sets, else the one the plan states (its title, 'Q1 18/19'), else "
          "the reporting period's.",
          "Mark it Complete, or give it a new due date and explain the slip in the update.",
          # {due} as the plan gives it ("Q2"), {date} the day it ended ("30 Sep 2018")
          (("", "due {due} (by {date}) and not marked Complete"),)),
    Entry("output-error", "The consolidated workbook could not be written",
          "Writing an output failed (the folder is read-only, the file is open in Excel, or the "
          "disk is full). Nothing half-written is left behind.",
          "Close the file in Excel or choose another place, and run again."),
)

#: code -> catalogue entry
CATALOGUE: dict[str, Entry] = {e.code: e for e in _ENTRIES}
assert len(CATALOGUE) == len(_ENTRIES), "a code has two catalogue entries"


def message(code: str, case: str = "", **fields: object) -> str:
    """The message of an issue code for one case, from its catalogue template:
    ``message("unknown-rag", value="Purple", scale="Green, Amber, Red")``."""
    return CATALOGUE[code].message(case, **fields)


def explain(code: str) -> Entry | None:
    """The catalogue entry of a code (case and spaces forgiven), or None."""
    return CATALOGUE.get(code.strip().lower().replace(" ", "-").replace("_", "-"))


def markdown_table() -> str:
    """The catalogue as the Markdown page ``docs/issue-codes.md``."""
    lines = ["# Issue codes", "",
             "Every finding xlplan reports has one of these codes (a public contract: codes are "
             "added, never renamed), a severity, and the file, sheet and cell it is about. "
             "`xlplan explain CODE` prints an entry. This page is generated from "
             "`xlplan/catalogue.py` by `python scripts/make_docs.py`.", "",
             "| code | severity | what it means | what to do |", "|---|---|---|---|"]
    for code in CODES:
        e = CATALOGUE[code]
        lines.append(f"| `{code}` | {e.severity} | **{e.title}.** {e.description} | "
                     f"{e.what_to_do} |")
    lines += ["", "## Message wordings", "",
              "Codes raised from several places are worded from one template per case "
              "(`{field}` is filled in from the cell or file the issue is about).", ""]
    for code in CODES:
        for case, template in CATALOGUE[code].templates:
            shown = template.replace("|", "\\|")
            lines.append(f"- `{code}`{f' ({case})' if case else ''}: {shown}")
    return "\n".join(lines) + "\n"
