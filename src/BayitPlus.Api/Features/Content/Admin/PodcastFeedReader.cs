using BayitPlus.Api.Infrastructure.Validation;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>Fetches a show's feed with the named client (public addresses only unless allowed,
/// see <see cref="PublicNetwork"/>), within the timeout and the size cap, and parses it.</summary>
public sealed class PodcastFeedReader(IHttpClientFactory clients, PodcastFeedSettings settings)
{
    public const string HttpClientName = "podcast-feeds";

    public async Task<IReadOnlyList<FeedEpisode>> ReadAsync(string feedUrl, CancellationToken cancellationToken)
    {
        if (!DescriptiveRules.IsHttpUri(feedUrl))
        {
            throw new FeedRejectedException("rssFeedUrl must be an absolute http or https URL.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(feedUrl, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new FeedUnavailableException($"The server of rssFeedUrl answered {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > settings.MaxFeedBytes)
            {
                throw TooLarge();
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var content = await ReadBoundedAsync(body, timeout.Token) ?? throw TooLarge();
            return PodcastFeed.Parse(content);
        }
        catch (HttpRequestException error) when (FindForbidden(error) is not null)
        {
            throw new FeedRejectedException("rssFeedUrl resolves to a private, loopback, link-local or other non-public address, which this server does not fetch.");
        }
        catch (Exception error) when (error is HttpRequestException or IOException)
        {
            throw new FeedUnavailableException("The server of rssFeedUrl could not be reached.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FeedUnavailableException($"The server of rssFeedUrl did not deliver the feed within {settings.Timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Reads at most the cap, whatever Content-Length claimed (it may be absent or wrong,
    /// and decompression may multiply it); null when the body is longer.</summary>
    private async Task<MemoryStream?> ReadBoundedAsync(Stream body, CancellationToken ct)
    {
        var content = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            if (content.Length + read > settings.MaxFeedBytes)
            {
                await content.DisposeAsync();
                return null;
            }

            content.Write(buffer, 0, read);
        }

        content.Position = 0;
        return content;
    }

    private FeedRejectedException TooLarge() =>
        new($"The feed at rssFeedUrl is larger than the {settings.MaxFeedBytes / 1024.0 / 1024.0:0.##} MB this server reads.");

    private static ForbiddenAddressException? FindForbidden(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is ForbiddenAddressException forbidden)
            {
                return forbidden;
            }
        }

        return null;
    }
}
