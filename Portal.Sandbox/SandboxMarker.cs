namespace Portal.Sandbox; internal static class SandboxMarker;
