import Link from "next/link";
import { UserMenu } from "@/components/auth/UserMenu";
import { NavLinks } from "./NavLinks";

/**
 * The top bar. Wide screens: logo and links on one row. Narrow screens (390 px
 * phones): the links move to a second row that scrolls sideways, so all five
 * stay one tap away without a hamburger menu. The signed-in user (or a Sign
 * in link) sits at the right end.
 */
export function AppHeader() {
  return (
    <header className="sticky top-0 z-20 border-b border-gray-200 bg-white/95 backdrop-blur supports-[backdrop-filter]:bg-white/80">
      <div className="mx-auto flex max-w-7xl flex-col gap-1 px-4 py-2 sm:flex-row sm:items-center sm:gap-6">
        {/* Narrow screens: logo and user on one row; wide: the wrapper dissolves (contents) and the user goes last. */}
        <div className="flex items-center justify-between gap-3 sm:contents">
          <Link
            href="/"
            className="flex shrink-0 items-center gap-2 rounded-md py-1 text-gray-900 focus-visible:outline-2 focus-visible:outline-accent-600"
          >
            <Logo />
            <span className="text-[15px] font-semibold tracking-tight">thinkgate</span>
          </Link>
          <UserMenu className="sm:order-last sm:ml-auto" />
        </div>
        <nav aria-label="Main" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
          <NavLinks />
        </nav>
      </div>
    </header>
  );
}

/** A gate with a branch: one request in, two routes out. Inline SVG: no network assets. */
function Logo() {
  return (
    <svg aria-hidden viewBox="0 0 20 20" className="size-5">
      <rect width="20" height="20" rx="5" className="fill-gray-900" />
      <path d="M4 10h4.5M8.5 10l4-4h3.5M8.5 10l4 4h3.5" fill="none" stroke="white" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
      <circle cx="15.5" cy="6" r="1.4" className="fill-reasoning-200" />
      <circle cx="15.5" cy="14" r="1.4" className="fill-standard-200" />
    </svg>
  );
}
