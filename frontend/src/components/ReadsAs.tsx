import type { Read } from '../api'
import { classAndPercent } from '../lib/reading'

/** "reads as 4, 97%", wrapping (in a narrow column) before the class, never between class and percentage. */
export function ReadsAs({ read }: { read: Read }) {
  return (
    <>
      reads as <span className="nowrap">{classAndPercent(read)}</span>
    </>
  )
}
