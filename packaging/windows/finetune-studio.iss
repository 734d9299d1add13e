; FineTune Studio's Windows installer (Inno Setup 6.5 or later). Installs for the current user only, so no
; administrator rights are asked for: into %LOCALAPPDATA%\Programs\FineTune Studio, with a Start-menu shortcut and an
; uninstaller (Settings -> Apps). Setup speaks English or Simplified Chinese, following Windows' language.
; Built by packaging/build.py, which passes the values below:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\FineTuneStudio /DOutputDir=dist\packages
;        /DOutputName=FineTuneStudio-0.1.0-windows-x64-setup /DIconFile=build\icons\finetune-studio.ico finetune-studio.iss

#ifndef AppVersion
  #error Pass /DAppVersion=... (packaging/build.py does)
#endif

[Setup]
; The AppId ties updates and the uninstaller to this app: never change it.
AppId={{5E0F5B0A-8C57-4C7B-9E63-2B7F0C9D4A11}
AppName=FineTune Studio
AppVersion={#AppVersion}
AppVerName=FineTune Studio {#AppVersion}
AppPublisher=FineTune Studio
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={autopf}\FineTune Studio
DisableProgramGroupPage=yes
DisableDirPage=auto
DisableReadyPage=yes
UninstallDisplayName=FineTune Studio
UninstallDisplayIcon={app}\FineTuneStudio.exe
SetupIconFile={#IconFile}
OutputDir={#OutputDir}
OutputBaseFilename={#OutputName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Official (in the compiler's Languages folder) since Inno Setup 7.0.2: build with 7.0.2 or later.
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[CustomMessages]
en.AppTitle=FineTune Studio
zh_CN.AppTitle=微调工作室 FineTune Studio

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A previous version's files (a newer build may have dropped some).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{cm:AppTitle}"; Filename: "{app}\FineTuneStudio.exe"
Name: "{autodesktop}\{cm:AppTitle}"; Filename: "{app}\FineTuneStudio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\FineTuneStudio.exe"; Description: "{cm:LaunchProgram,FineTune Studio}"; Flags: nowait postinstall skipifsilent
