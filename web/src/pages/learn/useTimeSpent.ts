// Time spent on a module page, sent to the server as bounded heartbeats: a second counts only while the tab is
// visible and the learner did something in the last two minutes; every 30 seconds (and when the page is left or
// hidden) the seconds go out as one heartbeat, named after what took most of them (lessons or the quiz, the part
// marked data-learn-time="quiz"). The server caps each heartbeat and the day; a lost one is simply not counted.
import { useEffect } from 'react';
import { sendTime } from './learnApi.ts';

const IDLE_MS = 2 * 60_000;
const FLUSH_EVERY = 30;

export function useTimeSpent(moduleId: string | null): void {
  useEffect(() => {
    if (!moduleId) return;
    let lastActivity = Date.now();
    let kind: 'lesson' | 'quiz' = 'lesson';
    const pending = { lesson: 0, quiz: 0 };
    let ticks = 0;

    const activity = (event: Event) => {
      lastActivity = Date.now();
      const target = event.target;
      if (target instanceof Element) kind = target.closest('[data-learn-time="quiz"]') ? 'quiz' : 'lesson';
    };
    const flush = () => {
      const seconds = pending.lesson + pending.quiz;
      if (seconds === 0) return;
      const dominant = pending.quiz > pending.lesson ? 'quiz' : 'lesson';
      pending.lesson = 0;
      pending.quiz = 0;
      sendTime(moduleId, dominant, Math.min(seconds, 600)).catch(() => undefined);
    };
    const tick = () => {
      if (document.visibilityState === 'visible' && Date.now() - lastActivity < IDLE_MS) pending[kind]++;
      if (++ticks % FLUSH_EVERY === 0) flush();
    };
    const visibility = () => {
      if (document.visibilityState === 'hidden') flush();
      else lastActivity = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'focusin', 'scroll', 'wheel', 'touchstart'] as const;
    for (const name of events) window.addEventListener(name, activity, { passive: true, capture: true });
    document.addEventListener('visibilitychange', visibility);
    const timer = window.setInterval(tick, 1000);
    return () => {
      window.clearInterval(timer);
      for (const name of events) window.removeEventListener(name, activity, { capture: true });
      document.removeEventListener('visibilitychange', visibility);
      flush();
    };
  }, [moduleId]);
}
