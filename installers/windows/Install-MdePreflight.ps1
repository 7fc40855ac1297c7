#Requires -Version 5.1

<#
.SYNOPSIS
Installs, removes or reports on the mde-preflight service without the MSI.

.DESCRIPTION
The same layout as the MSI (installers/windows/mde-preflight.wxs):
  Program Files\mde-preflight\    mde-preflight.exe, report.schema.json, this script
  %ProgramData%\mde-preflight\    config.json (the administrator's), report.json (the service's)

Install copies the files from -SourceDirectory, writes an empty config.json (every setting at
its default; `mde-preflight.exe --help` lists the keys) when there is none, limits the data
folder to SYSTEM and Administrators (read for Users), registers the service with
`mde-preflight.exe service install --config <config.json>` and starts it. Running it again
upgrades: the service is stopped, the files replaced, the registration updated, the service
started, and config.json is left as it is.

Uninstall runs `mde-preflight.exe service uninstall` (stop, then delete) and removes the program
folder. The data folder (configuration and last report) is kept unless -RemoveData is given.

Status prints the service state and the last report's verdict and time.

Install and Uninstall need an elevated prompt. Both accept -WhatIf and -Confirm. A machine that
has the MSI installed is refused: manage it with msiexec instead.

.PARAMETER Action
Install, Uninstall or Status.

.PARAMETER SourceDirectory
Install: the folder holding mde-preflight.exe and report.schema.json (default: this script's).

.PARAMETER RemoveData
Uninstall: also delete %ProgramData%\mde-preflight (config.json and the reports).

.EXAMPLE
.\Install-MdePreflight.ps1 Install -SourceDirectory D:\mde-preflight-0.1.0

.EXAMPLE
& "$env:ProgramFiles\mde-preflight\Install-MdePreflight.ps1" Uninstall -RemoveData -WhatIf

.EXAMPLE
& "$env:ProgramFiles\mde-preflight\Install-MdePreflight.ps1" Status
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [ValidateSet('Install', 'Uninstall', 'Status')]
    [string] $Action,

    [string] $SourceDirectory = $PSScriptRoot,

    [switch] $RemoveData
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ServiceName = 'mde-preflight'
$ProductName = 'MDE preflight'  # the MSI's Product Name, as in Apps and Features
$ExeName = 'mde-preflight.exe'
$ProgramFilesDir = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }
$InstallDir = Join-Path $ProgramFilesDir 'mde-preflight'
# The ProgramData known folder, as the agent and the MSI (CommonAppDataFolder) find it.
$ProgramDataDir = [Environment]::GetFolderPath('CommonApplicationData')
$DataDir = Join-Path $ProgramDataDir 'mde-preflight'
$ConfigPath = Join-Path $DataDir 'config.json'
$ReportPath = Join-Path $DataDir 'report.json'
$InstalledExe = Join-Path $InstallDir $ExeName
$PayloadFiles = @($ExeName, 'report.schema.json')

function Assert-Administrator {
    $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object Security.Principal.WindowsPrincipal($identity)
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw "$Action needs administrator rights: run PowerShell as administrator."
    }
}

# The MSI registers its product under the Uninstall key; two owners of the same files and the
# same service would undo each other.
function Get-MsiInstallation {
    $keys = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*'
    Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue |
        Where-Object { $_.PSObject.Properties['DisplayName'] -and $_.DisplayName -eq $ProductName } |
        Select-Object -First 1
}

function Assert-NoMsi {
    $msi = Get-MsiInstallation
    if ($msi) {
        throw ("$ProductName $($msi.DisplayVersion) is installed by its MSI ($($msi.PSChildName)): " +
            "upgrade it with a newer MSI, or remove it first with: msiexec /x $($msi.PSChildName)")
    }
}

function Get-AgentService {
    Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
}

# Runs the agent with its own arguments and fails with its message when it fails.
function Invoke-Agent {
    param([string] $Exe, [string[]] $Arguments)
    # Windows PowerShell 5.1 turns each redirected standard error line of a program into an error
    # record, which 'Stop' would make fatal; the exit code decides here.
    $ErrorActionPreference = 'Continue'
    $output = & $Exe @Arguments 2>&1 | ForEach-Object { "$_" }
    $code = $LASTEXITCODE
    $output | ForEach-Object { Write-Verbose "$_" }
    if ($code -ne 0) {
        throw "'$Exe $($Arguments -join ' ')' failed (exit code $code): $($output -join ' ')"
    }
}

function Stop-AgentService {
    $service = Get-AgentService
    if ($service -and $service.Status -ne 'Stopped') {
        if ($PSCmdlet.ShouldProcess($ServiceName, 'Stop service')) {
            Stop-Service -Name $ServiceName
            $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(30))
        }
    }
}

# SYSTEM and Administrators full control, Users read: the LocalSystem service reads config.json
# from here, so a user who could create it there would choose what the service writes where.
# Well-known SIDs (https://learn.microsoft.com/windows/win32/secauthz/well-known-sids), so it
# works in every display language.
function Set-DataDirAccess {
    $grants = @('*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F', '*S-1-5-32-545:(OI)(CI)RX')
    $arguments = @($DataDir, '/inheritance:r', '/grant:r') + $grants
    & icacls.exe @arguments | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls could not set the access rules on $DataDir" }
}

function Install-Agent {
    Assert-Administrator
    Assert-NoMsi
    if (-not [Environment]::Is64BitOperatingSystem) {
        throw 'mde-preflight.exe is a 64-bit program; this Windows is 32-bit.'
    }
    foreach ($file in $PayloadFiles) {
        $source = Join-Path $SourceDirectory $file
        if (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
            throw "$source is missing: give the folder that holds $($PayloadFiles -join ' and ') with -SourceDirectory."
        }
    }
    Stop-AgentService
    # Run from the installed copy (a repair), the files are already in place.
    $inPlace = (Resolve-Path -LiteralPath $SourceDirectory).Path.TrimEnd('\') -eq $InstallDir
    if (-not $inPlace -and $PSCmdlet.ShouldProcess($InstallDir, 'Copy the program files')) {
        New-Item -ItemType Directory -Path $InstallDir -Force | Out-Null
        foreach ($file in $PayloadFiles) {
            Copy-Item -LiteralPath (Join-Path $SourceDirectory $file) -Destination $InstallDir -Force
        }
        $self = Join-Path $InstallDir (Split-Path -Leaf $PSCommandPath)
        if ($PSCommandPath -ne $self) {
            Copy-Item -LiteralPath $PSCommandPath -Destination $self -Force
        }
    }
    if ($PSCmdlet.ShouldProcess($DataDir, 'Create the data folder, limit it to SYSTEM and Administrators')) {
        New-Item -ItemType Directory -Path $DataDir -Force | Out-Null
        Set-DataDirAccess
    }
    if (-not (Test-Path -LiteralPath $ConfigPath)) {
        if ($PSCmdlet.ShouldProcess($ConfigPath, 'Write an empty configuration (all defaults)')) {
            [IO.File]::WriteAllText($ConfigPath, "{}`r`n", (New-Object Text.UTF8Encoding($false)))
        }
    }
    # The registration (command line, LocalSystem, automatic start, recovery) is the agent's own.
    if ($PSCmdlet.ShouldProcess($ServiceName, "Register the service ($InstalledExe service install)")) {
        Invoke-Agent -Exe $InstalledExe -Arguments @('service', 'install', '--config', $ConfigPath)
    }
    if ($PSCmdlet.ShouldProcess($ServiceName, 'Start service')) {
        Start-Service -Name $ServiceName
        Write-Output "$ServiceName installed in $InstallDir and started; configuration: $ConfigPath"
    }
}

function Uninstall-Agent {
    Assert-Administrator
    Assert-NoMsi
    if (Test-Path -LiteralPath $InstalledExe -PathType Leaf) {
        if ($PSCmdlet.ShouldProcess($ServiceName, "Stop and remove the service ($InstalledExe service uninstall)")) {
            Invoke-Agent -Exe $InstalledExe -Arguments @('service', 'uninstall')
        }
    } elseif (Get-AgentService) {
        throw "The $ServiceName service is registered but $InstalledExe is missing: remove it with 'sc.exe delete $ServiceName'."
    }
    if ((Test-Path -LiteralPath $InstallDir) -and $PSCmdlet.ShouldProcess($InstallDir, 'Remove the program folder')) {
        Remove-Item -LiteralPath $InstallDir -Recurse -Force
    }
    if ($RemoveData) {
        if ((Test-Path -LiteralPath $DataDir) -and $PSCmdlet.ShouldProcess($DataDir, 'Remove the configuration and the reports')) {
            Remove-Item -LiteralPath $DataDir -Recurse -Force
        }
    } elseif (Test-Path -LiteralPath $DataDir) {
        Write-Output "Kept $DataDir (configuration and reports); -RemoveData deletes it."
    }
}

function Show-Status {
    $service = Get-AgentService
    $state = if ($service) { "$($service.Status)" } else { 'not installed' }
    $verdict = 'no report yet'
    $generated = ''
    if (Test-Path -LiteralPath $ReportPath -PathType Leaf) {
        try {
            $report = Get-Content -LiteralPath $ReportPath -Raw | ConvertFrom-Json
            $verdict = "$($report.verdict)"  # both required by report.schema.json
            $generated = "$($report.generated_at)"
        } catch {
            $verdict = "unreadable report: $($_.Exception.Message)"
        }
    }
    [PSCustomObject]@{
        Service     = $state
        Verdict     = $verdict
        GeneratedAt = $generated
        Report      = $ReportPath
        Config      = $ConfigPath
    }
}

switch ($Action) {
    'Install' { Install-Agent }
    'Uninstall' { Uninstall-Agent }
    'Status' { Show-Status }
}
