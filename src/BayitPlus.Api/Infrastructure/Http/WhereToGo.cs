using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Tells the person who just started the API where to go: the OpenAPI document and, in
/// Development, the Scalar reference, on every address the server listens on.</summary>
public static partial class WhereToGo
{
    /// <summary>The default routes of <c>MapOpenApi()</c> and <c>MapScalarApiReference()</c>.</summary>
    private const string OpenApiPath = "/openapi/v1.json";
    private const string ScalarPath = "/scalar";

    /// <summary>Logs the links once the server listens: only then are its addresses known (a port
    /// from <c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c> or port 0 chosen by the system).</summary>
    public static void LogOnceListening(WebApplication app, bool withScalar) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses.Select(Browsable))
            {
                LogOpenApi(app.Logger, address + OpenApiPath);
                if (withScalar)
                {
                    LogScalar(app.Logger, address + ScalarPath);
                }
            }
        });

    /// <summary>An address bound on every interface (<c>http://[::]:8080</c>) is opened as localhost.</summary>
    private static string Browsable(string address)
    {
        var uri = new UriBuilder(address);
        if (uri.Host is "[::]" or "0.0.0.0")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OpenAPI document: {Url}")]
    private static partial void LogOpenApi(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "API reference (Scalar): {Url}")]
    private static partial void LogScalar(ILogger logger, string url);
}
