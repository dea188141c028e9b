/** The app's sections, in nav order. Pages other than "/" are built separately. */
export const NAV_ITEMS: { href: string; label: string }[] = [
  { href: "/traces", label: "Traces" },
  { href: "/patterns", label: "Patterns" },
  { href: "/costs", label: "Costs" },
  { href: "/rules", label: "Rules" },
  { href: "/router", label: "Router" },
  { href: "/playground", label: "Playground" },
  { href: "/calibration", label: "Calibration" },
  { href: "/settings", label: "Settings" },
];
