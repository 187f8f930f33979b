// Jest setupFiles: runs before each test file's imports (swc hoists imports, so
// environment for the code under test is set here, never at the top of a test).
process.env.AWS_REGION ??= 'us-east-1';
// The local AWS checks signatures against its credentials (test/test): not a developer's own keys.
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.PIPEWATCH_LOG_LEVEL ??= 'silent';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
