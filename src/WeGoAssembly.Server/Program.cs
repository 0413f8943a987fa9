using WeGoAssembly.Server.Hosting;

// Settings (appsettings.json) come from the application's own folder wherever it is started from; a relative
// Storage:SqlitePath is still taken from the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddWeGoAssembly();
var app = builder.Build();
await app.StartWeGoAssemblyAsync();
await app.WaitForShutdownAsync();
