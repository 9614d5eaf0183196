using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClientAndInvoiceImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ImportedAt",
                table: "Invoices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalReference",
                table: "ClientAccounts",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "ClientAccounts",
                type: "TEXT",
                maxLength: 5,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImportColumnMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Columns = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportColumnMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImportColumnMappings_Firms_FirmId",
                        column: x => x.FirmId,
                        principalTable: "Firms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClientAccounts_FirmId_ExternalReference",
                table: "ClientAccounts",
                columns: new[] { "FirmId", "ExternalReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ImportColumnMappings_FirmId_Kind",
                table: "ImportColumnMappings",
                columns: new[] { "FirmId", "Kind" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportColumnMappings");

            migrationBuilder.DropIndex(
                name: "IX_ClientAccounts_FirmId_ExternalReference",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "ImportedAt",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "ExternalReference",
                table: "ClientAccounts");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "ClientAccounts");
        }
    }
}
