#!/usr/bin/env python3
"""Checks the PowerShell install script without PowerShell (pwsh is not in Debian).

  check_install_script.py SCRIPT.ps1 MSI.wxs [EMULATOR...] AGENT_EXE

A tokenizer for the part of the PowerShell language the script uses (comments, block comments,
single- and double-quoted strings with $(...) inside, variables, members, brackets) finds:
  - unbalanced brackets or unterminated strings and comments (a script PowerShell would not parse);
  - every command it runs: each cmdlet must be one Windows PowerShell 5.1 ships (a misspelt name
    is only found when the script runs), each native program one Windows ships or the agent;
  - the agent's arguments: each `mde-preflight.exe` command line must be a command and flags that
    the agent's own `--help` prints (run here, under Wine for the Windows build);
  - the layout: the folder, file, service and product names must be the MSI's
    (installers/windows/mde-preflight.wxs), the config and report names the agent's defaults;
  - -WhatIf: every command that changes the machine runs inside `if ($PSCmdlet.ShouldProcess(...))`
    or in a function only called there; strict mode and stop-on-error are on.
Then it breaks the script in a few ways and checks that each break is found, so the checks
themselves can fail.

Not a PowerShell grammar: npm's tree-sitter-powershell (a third-party grammar, not PowerShell's
own parser) parses the script without an ERROR node and finds the same commands, but it would
bring Node.js packages into the setup for a check this file already makes, and it knows nothing
of the agent's commands, the MSI's layout or ShouldProcess.
"""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

# Cmdlets of Windows PowerShell 5.1's own modules (Microsoft.PowerShell.Core, .Management,
# .Utility, .Security; their reference: https://learn.microsoft.com/powershell/module/
# ?view=powershell-5.1). A cmdlet the script starts to use is added here after checking it there.
KNOWN_CMDLETS = {
    "Add-Content", "ConvertFrom-Json", "ConvertTo-Json", "Copy-Item", "ForEach-Object",
    "Get-Acl", "Get-ChildItem", "Get-Content", "Get-Item", "Get-ItemProperty", "Get-Service",
    "Join-Path", "Move-Item", "New-Item", "New-Object", "Out-Null", "Remove-Item",
    "Resolve-Path", "Restart-Service", "Select-Object", "Set-Acl", "Set-Content", "Set-StrictMode",
    "Split-Path", "Start-Service", "Stop-Service", "Test-Path", "Where-Object", "Write-Error",
    "Write-Host", "Write-Output", "Write-Verbose", "Write-Warning",
}
# Programs in %SystemRoot%\System32 on every supported Windows Server.
KNOWN_NATIVE = {"icacls.exe", "sc.exe"}
# Commands that change the machine: each must run under ShouldProcess (-WhatIf).
MUTATING = {"Copy-Item", "Move-Item", "New-Item", "Remove-Item", "Restart-Service",
            "Set-Acl", "Set-Content", "Add-Content", "Start-Service", "Stop-Service",
            "WriteAllText", "&"}
KEYWORDS = {"if", "elseif", "else", "foreach", "in", "switch", "function", "param", "try",
            "catch", "finally", "throw", "return", "while", "for", "do", "break", "continue"}
COMMAND_STARTS = {"\n", ";", "{", "(", "|", "=", "}"}


class ParseError(Exception):
    pass


def tokenize(text):
    """Tokens (kind, value, line). Kinds: word, var, member, str, dstr, op, nl."""
    tokens, i, line, n = [], 0, 1, len(text)

    def add(kind, value):
        tokens.append((kind, value, line))

    while i < n:
        c = text[i]
        if c == "\n":
            add("nl", "\n")
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif text.startswith("<#", i):
            end = text.find("#>", i + 2)
            if end < 0:
                raise ParseError("line %d: block comment never closed" % line)
            line += text.count("\n", i, end)
            i = end + 2
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c == "`" and i + 1 < n and text[i + 1] == "\n":  # line continuation
            i += 1
        elif text.startswith(("@'", '@"'), i) and text[i + 2:i + 3] == "\n":
            raise ParseError("line %d: here-strings are not supported by this check" % line)
        elif c == "'":
            j, value = i + 1, []
            while True:
                if j >= n:
                    raise ParseError("line %d: string never closed" % line)
                if text[j] == "'" and text[j + 1:j + 2] == "'":
                    value.append("'")
                    j += 2
                elif text[j] == "'":
                    break
                else:
                    value.append(text[j])
                    j += 1
            line += text.count("\n", i, j)
            add("str", "".join(value))
            i = j + 1
        elif c == '"':
            j = double_quoted_end(text, i, line)
            inner = text[i + 1:j]
            add("dstr", inner)
            for code in subexpressions(inner, line):
                tokens.extend(t for t in tokenize(code) if t[0] != "nl")  # checks its balance
            line += text.count("\n", i, j)
            i = j + 1
        elif c == "$":
            m = re.compile(r"\$(\{[^}]*\}|[\w:?]+|\$|_)").match(text, i)
            if not m:
                add("op", "$")
                i += 1
                continue
            add("var", m.group(0))
            i = m.end()
        elif c in ".:" and tokens and tokens[-1][0] in ("var", "op", "member") and \
                tokens[-1][1] not in "({[,;=|" and re.match(r"(\.|::)[A-Za-z_]", text[i:i + 3]):
            m = re.compile(r"(\.|::)([A-Za-z_]\w*)").match(text, i)
            add("member", m.group(2))
            i = m.end()
        elif c in "(){}[],;|=@&!+":
            add("op", c)
            i += 1
        else:
            m = re.compile(r"[^\s(){}\[\],;|='\"#$]+").match(text, i)
            add("word", m.group(0))
            i = m.end()
    return tokens


def double_quoted_end(text, start, line):
    """The index of the quote that closes the double-quoted string opened at `start`."""
    j, depth = start + 1, 0
    while j < len(text):
        c = text[j]
        if c == "`":
            j += 2
            continue
        if text.startswith("$(", j):
            depth += 1
            j += 2
            continue
        if depth and c == ")":
            depth -= 1
        elif depth and c == "'":
            close = text.find("'", j + 1)
            if close < 0:
                break
            j = close
        elif c == '"' and depth == 0:
            return j
        j += 1
    raise ParseError("line %d: double-quoted string never closed" % line)


def subexpressions(inner, line):
    """The code of each $(...) in a double-quoted string."""
    codes, j = [], 0
    while True:
        j = inner.find("$(", j)
        if j < 0:
            return codes
        depth, k = 1, j + 2
        while k < len(inner) and depth:
            depth += {"(": 1, ")": -1}.get(inner[k], 0)
            k += 1
        if depth:
            raise ParseError("line %d: $( never closed in a string" % line)
        codes.append(inner[j + 2:k - 1])
        j = k


def check_balance(tokens):
    stack = []
    pairs = {")": "(", "}": "{", "]": "["}
    for kind, value, line in tokens:
        if kind != "op":
            continue
        if value in "({[":
            stack.append((value, line))
        elif value in pairs:
            if not stack or stack[-1][0] != pairs[value]:
                raise ParseError("line %d: unbalanced '%s'" % (line, value))
            stack.pop()
    if stack:
        raise ParseError("line %d: '%s' never closed" % (stack[-1][1], stack[-1][0]))


class Block:
    def __init__(self, kind, guarded):
        self.kind, self.guarded = kind, guarded


def analyse(tokens):
    """Commands in command position, each with: its line, whether ShouldProcess guards it, and
    the function it is in; the functions the script defines."""
    commands, functions = [], set()
    stack = []  # Block per open bracket
    prev = "\n"
    pending_function = None
    for index, (kind, value, line) in enumerate(tokens):
        in_data = any(b.kind in ("[", "@{") for b in stack)
        guarded = any(b.guarded for b in stack)
        current_function = next((b.kind[3:] for b in reversed(stack)
                                 if b.kind.startswith("fn:")), None)
        if kind == "op" and value in "({[":
            is_hash = value == "{" and index and tokens[index - 1][1] == "@"
            block_kind = "@{" if is_hash else value
            block_guard = False
            if value == "{" and pending_function:
                block_kind, pending_function = "fn:" + pending_function, None
            elif value == "{":
                block_guard = guard_of_block(tokens, index)
            stack.append(Block(block_kind, block_guard))
        elif kind == "op" and value in ")}]":
            stack.pop()
        elif kind == "word" and value == "function":
            pending_function = tokens[index + 1][1]
            functions.add(pending_function)
        elif not in_data and prev in COMMAND_STARTS and kind == "word" and \
                value not in KEYWORDS and not value.startswith("-") and \
                not re.match(r"^[\d.]+$", value):
            commands.append((value, line, guarded, current_function))
        elif not in_data and kind == "op" and value == "&":
            target = tokens[index + 1]
            commands.append(("&", line, guarded, current_function))
            commands.append(("&" + target[1], line, guarded, current_function))
        elif kind == "member" and value in MUTATING:
            commands.append((value, line, guarded, current_function))
        if kind != "nl" or prev not in ("|",):
            prev = value if kind in ("op", "nl") else kind
    return commands, functions


def guard_of_block(tokens, index):
    """Whether the `{` at index opens the body of `if (... ShouldProcess ...)`."""
    j = index - 1
    while j >= 0 and tokens[j][0] == "nl":
        j -= 1
    if j < 0 or tokens[j][1] != ")":
        return False
    depth, k = 0, j
    while k >= 0:
        depth += {")": 1, "(": -1}.get(tokens[k][1], 0) if tokens[k][0] == "op" else 0
        if depth == 0:
            break
        k -= 1
    condition = tokens[k:j + 1]
    return k > 0 and tokens[k - 1][1] == "if" and \
        any(t[0] == "member" and t[1] == "ShouldProcess" for t in condition)


def string_assignments(tokens):
    """$Name = 'literal' and $Name = Join-Path $Other 'literal' at the script's top level."""
    values = {}
    for i in range(len(tokens) - 3):
        if tokens[i][0] == "var" and tokens[i + 1][1] == "=":
            name = tokens[i][1][1:]
            rest = tokens[i + 2:i + 6]
            if rest[0][0] == "str" and rest[1][0] == "nl":
                values.setdefault(name, ("literal", rest[0][1]))
            elif rest[0][1] == "Join-Path" and rest[1][0] == "var" and rest[2][0] == "str":
                values.setdefault(name, ("join", rest[1][1][1:], rest[2][1]))
    return values


def agent_invocations(tokens):
    """The argument lists of `Invoke-Agent ... -Arguments @(...)`: lists of str/var tokens."""
    calls = []
    for i, (kind, value, _line) in enumerate(tokens):
        if kind == "word" and value == "Invoke-Agent" and tokens[i - 1][1] != "function":
            j = i
            while tokens[j][1] != "-Arguments":
                j += 1
            assert tokens[j + 1][1] == "@" and tokens[j + 2][1] == "(", tokens[j:j + 3]
            k, args = j + 3, []
            while tokens[k][1] != ")":
                if tokens[k][0] in ("str", "var"):
                    args.append(tokens[k])
                k += 1
            calls.append((tokens[i][2], args))
    return calls


def agent_usage(agent_command):
    """{'service install': ['--config', 'FILE'], ...} from the agent's --help."""
    help_text = subprocess.run(agent_command + ["--help"], capture_output=True, text=True,
                               errors="replace", timeout=120, check=True).stdout
    usage = {}
    for raw in help_text.replace("\r", "").splitlines():
        m = re.match(r"^  mde-preflight (\S.*?)(?:\s{2,}|$)", raw)
        if not m or m.group(1).startswith("-"):
            continue
        words = re.sub(r"[\[\]]", " ", m.group(1)).split()
        path = [w for w in words if re.match(r"^[a-z]+$", w) and w not in ("options",)]
        cut = next((k for k, w in enumerate(words) if w.startswith("-")), len(words))
        usage[" ".join(path[:cut])] = words[cut:]
    return help_text, usage


def wxs_layout(wxs):
    ns = {"w": "http://schemas.microsoft.com/wix/2006/wi"}
    root = ET.parse(wxs).getroot()
    product = root.find("w:Product", ns)
    install_dir = root.find(".//w:Directory[@Id='INSTALLDIR']", ns)
    data_dir = root.find(".//w:Directory[@Id='DATADIR']", ns)
    parent_of = {child: parent for parent in root.iter() for child in parent}
    return {
        "product": product.get("Name"),
        "install_parent": parent_of[install_dir].get("Id"),
        "install_dir": install_dir.get("Name"),
        "data_parent": parent_of[data_dir].get("Id"),
        "data_dir": data_dir.get("Name"),
        "files": {f.get("Name") for f in install_dir.iter("{%s}File" % ns["w"])},
        "service": root.find(".//w:ServiceInstall", ns).get("Name"),
        "data_dir_grants": root.find(".//w:CustomAction[@Id='LockDataDir']", ns)
                               .get("ExeCommand").split()[1:],
    }


def check(text, layout, help_text, usage):
    """The list of problems found in the script `text`."""
    problems = []
    try:
        tokens = tokenize(text)
        check_balance(tokens)
    except ParseError as error:
        return ["does not parse: %s" % error]
    commands, functions = analyse(tokens)

    # Every command exists.
    for name, line, _guarded, _fn in commands:
        if name.startswith("&") and name != "&":
            target = name[1:]
            if target.startswith("$") or target.lower() in KNOWN_NATIVE:
                continue
            problems.append("line %d: runs %s, not a Windows program this check knows" %
                            (line, target))
        elif name in KNOWN_CMDLETS or name in functions or name in MUTATING:
            continue
        elif name.lower() in KNOWN_NATIVE:
            continue
        else:
            problems.append("line %d: %s is neither a Windows PowerShell 5.1 cmdlet nor a "
                            "function of the script" % (line, name))

    # -WhatIf: a mutating command or a call of a mutating function runs under ShouldProcess.
    mutating_functions = set()
    changed = True
    while changed:
        changed = False
        for name, _line, guarded, fn in commands:
            is_mutating = name in MUTATING or name.lower() in KNOWN_NATIVE or \
                name in mutating_functions
            if is_mutating and not guarded and fn and fn not in mutating_functions:
                mutating_functions.add(fn)
                changed = True
    for name, line, guarded, fn in commands:
        is_mutating = name in MUTATING or name.lower() in KNOWN_NATIVE or \
            name in mutating_functions
        if is_mutating and not guarded and fn is None:
            problems.append("line %d: %s changes the machine outside ShouldProcess (-WhatIf)" %
                            (line, name))
    for fn in mutating_functions:
        if fn in ("Install-Agent", "Uninstall-Agent"):
            problems.append("%s changes the machine outside ShouldProcess (-WhatIf)" % fn)

    words = [(k, v) for k, v, _l in tokens]
    expect_in = [
        (("member", "ShouldProcess"), "no ShouldProcess call"),
        (("word", "Set-StrictMode"), "no Set-StrictMode"),
        (("var", "$ErrorActionPreference"), "no $ErrorActionPreference"),
    ]
    for token, message in expect_in:
        if token not in words:
            problems.append(message)
    if not re.search(r"\[CmdletBinding\(SupportsShouldProcess = \$true\)\]", text):
        problems.append("no [CmdletBinding(SupportsShouldProcess = $true)]: -WhatIf is refused")
    if "Set-StrictMode -Version Latest" not in text:
        problems.append("strict mode is not 'Latest'")
    if not re.search(r"\$ErrorActionPreference = 'Stop'", text):
        problems.append("errors do not stop the script")
    for action, function in (("Install", "Install-Agent"), ("Uninstall", "Uninstall-Agent"),
                             ("Status", "Show-Status")):
        if not re.search(r"'%s' \{ %s \}" % (action, function), text):
            problems.append("the switch does not run %s for %s" % (function, action))
        if function not in functions:
            problems.append("no function %s" % function)
    for function in ("Install-Agent", "Uninstall-Agent"):
        body = text[text.find("function %s" % function):]
        if "Assert-Administrator" not in body[:body.find("\n}")]:
            problems.append("%s does not check for administrator rights" % function)

    # The agent's command lines are the ones its --help prints.
    calls = agent_invocations(tokens)
    if not calls:
        problems.append("the script never runs the agent")
    for line, args in calls:
        words_ = [v for k, v, _l in args]
        cut = next((i for i, w in enumerate(words_) if w.startswith("-")), len(words_))
        path = " ".join(words_[:cut])
        if path not in usage:
            problems.append("line %d: 'mde-preflight %s' is not a command of the agent "
                            "(its --help: %s)" % (line, path, sorted(usage)))
            continue
        synopsis = usage[path]
        i = cut
        while i < len(args):
            flag = args[i][1]
            if flag not in synopsis:
                problems.append("line %d: 'mde-preflight %s' takes no %s (--help: %s)" %
                                (line, path, flag, " ".join(synopsis)))
                break
            takes_value = synopsis.index(flag) + 1 < len(synopsis) and \
                not synopsis[synopsis.index(flag) + 1].startswith("-")
            if takes_value and (i + 1 >= len(args) or args[i + 1][1].startswith("-")):
                problems.append("line %d: %s without its value" % (line, flag))
            i += 2 if takes_value else 1
    if not any(" ".join(v for _k, v, _l in a[:2]) == "service install" for _l, a in calls):
        problems.append("the script does not register the service with 'service install'")
    if not any(" ".join(v for _k, v, _l in a[:2]) == "service uninstall" for _l, a in calls):
        problems.append("the script does not remove the service with 'service uninstall'")

    # The layout is the MSI's and the agent's.
    values = string_assignments(tokens)

    def resolves(name, parent_var, leaf):
        return values.get(name) == ("join", parent_var, leaf)

    if values.get("ServiceName") != ("literal", layout["service"]):
        problems.append("service name %s, the MSI's is %s" %
                        (values.get("ServiceName"), layout["service"]))
    if values.get("ProductName") != ("literal", layout["product"]):
        problems.append("product name %s, the MSI's is %s" %
                        (values.get("ProductName"), layout["product"]))
    if layout["install_parent"] != "ProgramFiles64Folder" or \
            not resolves("InstallDir", "ProgramFilesDir", layout["install_dir"]):
        problems.append("InstallDir %s is not the MSI's Program Files\\%s" %
                        (values.get("InstallDir"), layout["install_dir"]))
    if "$env:ProgramW6432" not in text:
        problems.append("Program Files is not the 64-bit one ($env:ProgramW6432)")
    if layout["data_parent"] != "CommonAppDataFolder" or \
            not resolves("DataDir", "ProgramDataDir", layout["data_dir"]) or \
            "$ProgramDataDir = [Environment]::GetFolderPath('CommonApplicationData')" not in text:
        problems.append("DataDir %s is not the MSI's %%ProgramData%%\\%s" %
                        (values.get("DataDir"), layout["data_dir"]))
    for name, leaf in (("ConfigPath", "config.json"), ("ReportPath", "report.json")):
        if not resolves(name, "DataDir", leaf):
            problems.append("%s is not DataDir\\%s: %s" % (name, leaf, values.get(name)))
        if "%%ProgramData%%\\%s\\%s" % (layout["data_dir"], leaf) not in \
                re.sub(r"\s+", "", help_text):
            problems.append("the agent's --help does not name %%ProgramData%%\\%s\\%s as the "
                            "default" % (layout["data_dir"], leaf))
    # The data folder's access rules are the MSI's (its LockDataDir action).
    lines = {line.strip().split(" = ")[0]: line for line in text.splitlines() if " = @(" in line}
    script_rules = []
    if "+ $grants" in lines.get("$arguments", ""):
        script_rules = re.findall(r"'([^']+)'", lines["$arguments"] + lines.get("$grants", ""))
    if script_rules != layout["data_dir_grants"]:
        problems.append("the data folder's rules %s are not the MSI's %s" %
                        (script_rules, layout["data_dir_grants"]))
    exe = values.get("ExeName", ("", ""))[1]
    payload = set(re.findall(r"'([^']+)'", re.search(r"\$PayloadFiles = @\(([^)]*)\)",
                                                      text).group(1)))
    payload |= {exe} if "$ExeName" in text.split("$PayloadFiles = @(")[1].split(")")[0] else set()
    script_name = "Install-MdePreflight.ps1"
    if payload | {script_name} != layout["files"]:
        problems.append("the script installs %s, the MSI %s" %
                        (sorted(payload | {script_name}), sorted(layout["files"])))
    return problems


def mutants(text):
    """Broken copies of the script: (what was broken, text). Each must be found."""
    def replaced(old, new):
        if old not in text:
            raise AssertionError("the script no longer has %r to break" % old)
        return text.replace(old, new, 1)

    return [
        ("an unclosed block",
         replaced("function Get-AgentService {", "function Get-AgentService {{")),
        ("an unclosed string", replaced("'mde-preflight.exe'", "'mde-preflight.exe")),
        ("a misspelt cmdlet", replaced("Stop-Service -Name", "Stop-Servce -Name")),
        ("a command the agent does not have",
         replaced("@('service', 'uninstall')", "@('service', 'remove')")),
        ("a flag the agent does not take",
         replaced("'--config', $ConfigPath", "'--conf', $ConfigPath")),
        ("a copy outside ShouldProcess",
         replaced("    Stop-AgentService\n",
                  "    Stop-AgentService\n"
                  "    Copy-Item -LiteralPath $PSCommandPath $InstallDir\n")),
        ("another program folder", replaced("Join-Path $ProgramFilesDir 'mde-preflight'",
                                            "Join-Path $ProgramFilesDir 'MDE Preflight'")),
        ("another service name", replaced("$ServiceName = 'mde-preflight'",
                                          "$ServiceName = 'mdepreflight'")),
        ("no strict mode", replaced("Set-StrictMode -Version Latest", "")),
        ("other access rules", replaced("'*S-1-5-32-545:(OI)(CI)RX'", "'*S-1-5-32-545:(OI)(CI)M'")),
    ]


def main():
    script, wxs, agent_command = sys.argv[1], sys.argv[2], sys.argv[3:]
    text = open(script, encoding="utf-8").read()
    layout = wxs_layout(wxs)
    help_text, usage = agent_usage(agent_command)
    failures = check(text, layout, help_text, usage)
    tokens = tokenize(text)
    commands, _functions = analyse(tokens)
    print("%s: %d tokens, %d commands, agent command lines %s" % (
        script, len(tokens), len(commands),
        [" ".join(v for _k, v, _l in a) for _l, a in agent_invocations(tokens)]))
    for what, broken in mutants(text):
        # Found for its own reason, not for one the script already has.
        found = [p for p in check(broken, layout, help_text, usage) if p not in failures]
        print("broken (%s): %s" % (what, found[0] if found else "NOT FOUND"))
        if not found:
            failures.append("the check does not find %s" % what)
    for failure in failures:
        print("FAIL:", failure)
    print("%d checks failed" % len(failures) if failures else "install script as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
