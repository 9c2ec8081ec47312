"""Real LibreOffice, headless, in a private profile: open a DOCX, accept or reject every tracked change, export text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice")

_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Resolve(source As String, accepted As String, rejected As String)
  ResolveInto(source, accepted, &quot;.uno:AcceptAllTrackedChanges&quot;)
  ResolveInto(source, rejected, &quot;.uno:RejectAllTrackedChanges&quot;)
  StarDesktop.terminate()
End Sub

Sub ResolveInto(source As String, target As String, command As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  document = StarDesktop.loadComponentFromURL(source, &quot;_blank&quot;, 0, load())
  helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  frame = document.getCurrentController().getFrame()
  Dim none(0) As New com.sun.star.beans.PropertyValue
  helper.executeDispatch(frame, command, &quot;&quot;, 0, none())
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;Text (encoded)&quot;
  store(1).Name = &quot;FilterOptions&quot;
  store(1).Value = &quot;UTF8,LF,,,&quot;
  document.storeToURL(target, store())
  document.close(True)
End Sub
</script:module>
"""


def _profile(folder: Path) -> str:
    """A private LibreOffice profile with the macro in its Standard library (created on a first start)."""
    url = folder.resolve().as_uri()
    module = folder / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.is_file():
        subprocess.run(
            [str(SOFFICE), f"-env:UserInstallation={url}", "--headless", "--terminate_after_init"],
            check=True,
            capture_output=True,
            timeout=120,
        )
    module.parent.mkdir(parents=True, exist_ok=True)
    module.write_text(_MACRO, encoding="utf-8")
    return url


def accepted_and_rejected_by_libreoffice(docx: Path, profile: Path) -> tuple[str, str]:
    """The document's text after LibreOffice accepted every tracked change, and after it rejected every one (each from
    the file as it is: two loads of it in one LibreOffice run). `profile` may serve many documents, one at a time."""
    assert SOFFICE, "soffice is not installed"
    url = _profile(profile)
    accepted, rejected = (docx.with_name(f"{docx.stem}-{mode}.txt") for mode in ("accept", "reject"))
    for target in (accepted, rejected):
        target.unlink(missing_ok=True)
    uris = (docx.resolve().as_uri(), accepted.resolve().as_uri(), rejected.resolve().as_uri())
    call = "macro:///Standard.Module1.Resolve({})".format(",".join(f'"{uri}"' for uri in uris))
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={url}", "--headless", "--norestore", call],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return accepted.read_text(encoding="utf-8-sig"), rejected.read_text(encoding="utf-8-sig")
