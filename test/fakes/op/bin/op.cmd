@echo off
rem Launcher of the fake 1Password CLI (..\fake-op.ts) for tests on Windows.
setlocal
set "FAKE_OP_NODE_EXE=%FAKE_OP_NODE%"
if "%FAKE_OP_NODE_EXE%"=="" set "FAKE_OP_NODE_EXE=node"
rem Only the fake's own code is cached, never the product's (setlocal keeps it to this launcher).
if not "%FAKE_OP_COMPILE_CACHE%"=="" set "NODE_COMPILE_CACHE=%FAKE_OP_COMPILE_CACHE%"
"%FAKE_OP_NODE_EXE%" "%~dp0..\fake-op.ts" %*
exit /b %ERRORLEVEL%
