namespace BayitPlus.Api.Infrastructure.Http;

public static class NoStore
{
    /// <summary>Marks an endpoint whose responses carry credentials (tokens): no browser, proxy or
    /// CDN may keep a copy (RFC 6749 §5.1).</summary>
    public static RouteHandlerBuilder WithNoStore(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (context, next) =>
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return await next(context);
    });
}
