FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first: the restore layer is reused until a package or reference changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Portal.Domain/Portal.Domain.csproj Portal.Domain/
COPY Portal.Sandbox/Portal.Sandbox.csproj Portal.Sandbox/
COPY Portal/Portal.csproj Portal/
RUN dotnet restore Portal/Portal.csproj
COPY Portal.Domain/ Portal.Domain/
COPY Portal.Sandbox/ Portal.Sandbox/
COPY Portal/ Portal/
RUN dotnet publish Portal/Portal.csproj -c Release -o /app --no-restore

# The runtime image alone: no SDK, and the unprivileged user the .NET images provide.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER $APP_UID
# The runtime image has no curl: the app asks itself (Operations/ReadinessProbe.cs).
HEALTHCHECK --interval=15s --timeout=6s --start-period=30s --retries=3 \
  CMD ["dotnet", "Portal.dll", "probe", "http://localhost:8080/health/ready"]
ENTRYPOINT ["dotnet", "Portal.dll"]
