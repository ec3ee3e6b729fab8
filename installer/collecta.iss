; Inno Setup script for Collecta on Windows (https://jrsoftware.org/isinfo.php, Inno Setup 6).
;
; Packs the PyInstaller one-folder bundle (dist\collecta, built by `make package` on Windows or
; `python installer\build.py`) into CollectaSetup-<version>.exe. Per-user install: no admin
; rights needed, files go to %LOCALAPPDATA%\Programs\Collecta, the Start-menu shortcut opens the
; windowed program, and the user's data folder (database, backups) is never touched by the
; uninstaller.
;
; Build:  python installer\build.py --installer          (passes the version from app/__init__.py)
;    or:  ISCC.exe /DAppVersion=0.1.0 installer\collecta.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Collecta"
#define AppPublisher "Collecta"
#define GuiExe "collecta-gui.exe"
#define IconFile AddBackslash(SourcePath) + "..\resources\icons\collecta.ico"

[Setup]
; AppId identifies the product for upgrades and uninstall: never change it between versions.
AppId={{6E0B7C52-4F2A-4C1D-9B8E-3A5D2C7F1E90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist\installer
OutputBaseFilename=CollectaSetup-{#AppVersion}
#if FileExists(IconFile)
SetupIconFile={#IconFile}
#endif
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; An older version still running would keep its files locked.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: both programs and _internal\ (Qt, Python, resources, migrations).
Source: "..\dist\collecta\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Files of a previous version that the new bundle no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; collecta.exe (console) is the command line for scheduled tasks: {app}\collecta.exe --help
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the programs write next to themselves; the database lives in the user data folder
; (%LOCALAPPDATA%\Collecta\Collecta) and is kept.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
