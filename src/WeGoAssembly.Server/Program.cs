using WeGoAssembly.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddWeGoAssembly();
var app = builder.Build();
await app.StartWeGoAssemblyAsync();
await app.WaitForShutdownAsync();

