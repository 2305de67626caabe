@echo off
rem Launcher of the fake 1Password CLI (..\fake-op.ts) for tests on Windows.
setlocal
set "FAKE_OP_NODE_EXE=%FAKE_OP_NODE%"
if "%FAKE_OP_NODE_EXE%"=="" set "FAKE_OP_NODE_EXE=node"
"%FAKE_OP_NODE_EXE%" "%~dp0..\fake-op.ts" %*
exit /b %ERRORLEVEL%
