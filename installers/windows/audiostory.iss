; Inno Setup script: the Windows installer of AudioStory Studio (per-user, no admin rights).
; installers/build.py runs it when Inno Setup's `iscc` is on the PATH, after PyInstaller has
; made dist\AudioStory Studio\; by hand, from the repository root:
;   iscc /DAppVersion=0.1.0 "/DSourceDir=dist\AudioStory Studio" /DOutputDir=dist ^
;        /DIconFile=resources\icons\audiostory.ico installers\windows\audiostory.iss
; Not built or tested on the project's machines (Linux only); see README, Install.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\AudioStory Studio"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\resources\icons\audiostory.ico"
#endif

[Setup]
AppId={{7D3C2A9E-5B1F-4C8E-9A6D-2F4B8E1C7A53}
AppName=AudioStory Studio
AppVersion={#AppVersion}
AppPublisher=AudioStory Studio
DefaultDirName={localappdata}\Programs\AudioStory Studio
DefaultGroupName=AudioStory Studio
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=AudioStory-Studio-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\AudioStory Studio.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\AudioStory Studio"; Filename: "{app}\AudioStory Studio.exe"
Name: "{autodesktop}\AudioStory Studio"; Filename: "{app}\AudioStory Studio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\AudioStory Studio.exe"; Description: "{cm:LaunchProgram,AudioStory Studio}"; Flags: nowait postinstall skipifsilent

; The AI pack lives in the user's data (%LOCALAPPDATA%\AudioStory Studio\ai-pack), not in {app}:
; uninstalling the app leaves it, and the models, for a later install.
