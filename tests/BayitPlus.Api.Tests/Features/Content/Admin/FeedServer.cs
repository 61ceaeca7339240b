using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel, a free port) that serves the feeds a test
/// sets, and counts the requests each path received.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<FeedServer> StartAsync()
    {
        var server = new FeedServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context =>
        {
            var path = context.Request.Path.Value ?? "";
            server._hits.AddOrUpdate(path, 1, (_, hits) => hits + 1);
            if (server._routes.TryGetValue(path, out var handler))
            {
                return handler(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        server._app = app;
        server.BaseUrl = app.Urls.Single();
        return server;
    }

    /// <summary>Serves <paramref name="body"/> at a new path and returns its URL.</summary>
    public string Serve(string body, string contentType = "application/rss+xml") =>
        Handle(context =>
        {
            context.Response.ContentType = contentType;
            return context.Response.WriteAsync(body);
        });

    /// <summary>Answers a new path with <paramref name="handler"/> and returns its URL.</summary>
    public string Handle(RequestDelegate handler)
    {
        var path = $"/feeds/{Guid.NewGuid():N}.xml";
        _routes[path] = handler;
        return BaseUrl + path;
    }

    /// <summary>Replaces what an existing URL serves.</summary>
    public void Replace(string url, string body) =>
        _routes[new Uri(url).AbsolutePath] = context =>
        {
            context.Response.ContentType = "application/rss+xml";
            return context.Response.WriteAsync(body);
        };

    public int Hits(string url) => _hits.GetValueOrDefault(new Uri(url).AbsolutePath);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>RSS 2.0 documents with the iTunes extensions, built for the tests.</summary>
public static class Feeds
{
    public sealed record Item(string? Guid, string Title, string? AudioUrl, string? Duration = null, string? PubDate = null, int? Episode = null, int? Season = null, string? Description = null, string? Summary = null);

    public static string Rss(params Item[] items) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
          <channel>
            <title>Test show</title>
            <link>https://example.com/show</link>
            <description>A show for tests</description>
            {string.Concat(items.Select(ItemXml))}
          </channel>
        </rss>
        """;

    private static string ItemXml(Item item) => $"""
        <item>
          <title>{System.Security.SecurityElement.Escape(item.Title)}</title>
          {(item.Guid is null ? "" : $"<guid isPermaLink=\"false\">{item.Guid}</guid>")}
          {(item.AudioUrl is null ? "" : $"<enclosure url=\"{item.AudioUrl}\" length=\"1000\" type=\"audio/mpeg\"/>")}
          {(item.Duration is null ? "" : $"<itunes:duration>{item.Duration}</itunes:duration>")}
          {(item.PubDate is null ? "" : $"<pubDate>{item.PubDate}</pubDate>")}
          {(item.Episode is null ? "" : $"<itunes:episode>{item.Episode}</itunes:episode>")}
          {(item.Season is null ? "" : $"<itunes:season>{item.Season}</itunes:season>")}
          {(item.Description is null ? "" : $"<description>{System.Security.SecurityElement.Escape(item.Description)}</description>")}
          {(item.Summary is null ? "" : $"<itunes:summary>{System.Security.SecurityElement.Escape(item.Summary)}</itunes:summary>")}
        </item>
        """;
}
